import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { afasGet, authHeaders, control, http, profitError } from './helpers.js';
import { basicAuth, bearer, fetchToken, movableClock, postToken } from './oauth-helpers.js';

const TTL = 60;
const clock = movableClock();
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    control: true,
    linesPerYear: 50,
    now: clock.now,
    tokens: [{ token: 'demo' }],
    oauthClients: [
      { clientId: 'worker', clientSecret: 'worker-secret', appName: 'afas-sync OAuth' },
      {
        clientId: 'finstack',
        clientSecret: 'finstack-secret',
        appName: 'Finstack',
        connectors: ['Finstack_Administrations', 'Finstack_Transactions'],
      },
      { clientId: 'rotating', clientSecret: 'old-secret' },
    ],
    oauthTokenTtlSeconds: TTL,
  });
});

afterAll(async () => {
  await sim.close();
});

const ADMINISTRATIONS = '/connectors/Profit_Administrations';
const INVALID_TOKEN = /^Bearer realm="AFAS Profit", error="invalid_token", error_description="[^"]+"$/;

describe('Bearer tokens on connector routes', () => {
  it('opens every connector route: metainfo, GetConnector, UpdateConnector, profitversion', async () => {
    const headers = bearer(await fetchToken(sim, 'worker', 'worker-secret'));
    const metainfo = await afasGet(sim, '/metainfo', headers);
    expect(metainfo.status).toBe(200);
    expect((JSON.parse(metainfo.text) as { info: { appName: string } }).info.appName).toBe('afas-sync OAuth');
    for (const path of [
      '/metainfo/get/Profit_Accounts',
      '/metainfo/update/FiEntries',
      `${ADMINISTRATIONS}?take=1`,
      '/profitversion',
    ]) {
      expect((await afasGet(sim, path, headers)).status, path).toBe(200);
    }
    // An UpdateConnector call reaches FiEntries' validation (500 for an empty entry), past auth.
    const write = await http(`${sim.baseUrl}/connectors/FiEntries`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(write.status).not.toBe(401);
  });

  it('refuses an unknown token on every route with 401 and an invalid_token challenge', async () => {
    for (const path of ['/metainfo', '/metainfo/get/Profit_Accounts', ADMINISTRATIONS, '/profitversion']) {
      const result = await afasGet(sim, path, bearer('not-a-token'));
      expect(result.status, path).toBe(401);
      expect(result.text, path).toBe('');
      expect(result.headers['www-authenticate'], path).toMatch(INVALID_TOKEN);
    }
    const write = await http(`${sim.baseUrl}/connectors/FiEntries`, {
      method: 'POST',
      headers: { ...bearer('not-a-token'), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(write.status).toBe(401);
    expect(write.headers['www-authenticate']).toMatch(INVALID_TOKEN);
  });

  it('an empty Bearer is refused as invalid_request', async () => {
    const result = await afasGet(sim, ADMINISTRATIONS, { authorization: 'Bearer' });
    expect(result.status).toBe(401);
    expect(result.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('limits a client to its App connector’s connectors, like a classic token', async () => {
    const headers = {
      ...bearer(await fetchToken(sim, 'finstack', 'finstack-secret')),
      'accept-language': 'en-us',
    };
    expect((await afasGet(sim, '/connectors/Finstack_Administrations', headers)).status).toBe(200);
    const refused = await afasGet(sim, '/connectors/Profit_Transactions', headers);
    expect(refused.status).toBe(401);
    expect(profitError(refused).externalMessage).toBe(
      'GetConnector not supported for this app or the user is not authorized',
    );
    const meta = JSON.parse((await afasGet(sim, '/metainfo', headers)).text) as {
      getConnectors: { id: string }[];
    };
    expect(meta.getConnectors.map((c) => c.id)).toEqual([
      'Finstack_Administrations',
      'Finstack_Transactions',
    ]);
  });

  it('keeps classic AfasToken working beside OAuth', async () => {
    expect((await afasGet(sim, ADMINISTRATIONS, authHeaders('demo'))).status).toBe(200);
    const unknown = await afasGet(sim, ADMINISTRATIONS, authHeaders('nope'));
    expect(unknown.status).toBe(401);
    expect(unknown.headers['www-authenticate']).toBeUndefined();
  });
});

describe('access-token lifetime', () => {
  it('several live tokens per client; each expires after its own lifetime, on the simulator clock', async () => {
    const first = await fetchToken(sim, 'worker', 'worker-secret');
    clock.advance(TTL / 2);
    const second = await fetchToken(sim, 'worker', 'worker-secret');
    expect((await afasGet(sim, ADMINISTRATIONS, bearer(first))).status).toBe(200);
    expect((await afasGet(sim, ADMINISTRATIONS, bearer(second))).status).toBe(200);

    clock.advance(TTL / 2 - 1);
    expect((await afasGet(sim, ADMINISTRATIONS, bearer(first))).status).toBe(200);
    clock.advance(1);
    const expired = await afasGet(sim, ADMINISTRATIONS, bearer(first));
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toBe(
      'Bearer realm="AFAS Profit", error="invalid_token", error_description="The access token expired"',
    );
    expect((await afasGet(sim, ADMINISTRATIONS, bearer(second))).status).toBe(200);
    clock.advance(TTL / 2);
    expect((await afasGet(sim, ADMINISTRATIONS, bearer(second))).status).toBe(401);
  });

  it('a new lifetime set through the control API applies to tokens issued afterwards', async () => {
    const before = await fetchToken(sim, 'worker', 'worker-secret');
    const set = await control<{ tokenTtlSeconds: number }>(sim, 'POST', '/oauth/token-ttl', { seconds: 5 });
    expect(set.body.tokenTtlSeconds).toBe(5);
    const answer = await postToken(sim, 'grant_type=client_credentials', {
      authorization: basicAuth('worker', 'worker-secret'),
    });
    const after = JSON.parse(answer.text) as { access_token: string; expires_in: number };
    expect(after.expires_in).toBe(5);
    clock.advance(5);
    expect((await afasGet(sim, ADMINISTRATIONS, bearer(after.access_token))).status).toBe(401);
    expect((await afasGet(sim, ADMINISTRATIONS, bearer(before))).status).toBe(200);
    await control(sim, 'POST', '/oauth/token-ttl', { seconds: TTL });
  });
});

describe('revocation and rotation', () => {
  it('revoking a client kills all its live tokens and its token requests', async () => {
    await control(sim, 'POST', '/oauth/clients', { clientId: 'doomed', clientSecret: 'doomed-secret' });
    const tokens = [
      await fetchToken(sim, 'doomed', 'doomed-secret'),
      await fetchToken(sim, 'doomed', 'doomed-secret'),
    ];
    const other = await fetchToken(sim, 'worker', 'worker-secret');
    const revoked = await control<{ invalidatedTokens: number }>(sim, 'POST', '/oauth/clients/doomed/revoke');
    expect(revoked.body.invalidatedTokens).toBe(2);
    for (const token of tokens) {
      const result = await afasGet(sim, ADMINISTRATIONS, bearer(token));
      expect(result.status).toBe(401);
      expect(result.headers['www-authenticate']).toMatch(INVALID_TOKEN);
    }
    expect((await afasGet(sim, ADMINISTRATIONS, bearer(other))).status).toBe(200);
  });

  it('rotating the secret refuses the old secret at once and keeps live tokens unless asked', async () => {
    const live = await fetchToken(sim, 'rotating', 'old-secret');
    const rotated = await control(sim, 'POST', '/oauth/clients/rotating/secret', {
      clientSecret: 'new-secret',
    });
    expect(rotated.status).toBe(200);
    const old = await postToken(sim, 'grant_type=client_credentials', {
      authorization: basicAuth('rotating', 'old-secret'),
    });
    expect(old.status).toBe(401);
    expect((await afasGet(sim, ADMINISTRATIONS, bearer(live))).status).toBe(200);
    const fresh = await fetchToken(sim, 'rotating', 'new-secret');

    const again = await control<{ invalidatedTokens: number }>(
      sim,
      'POST',
      '/oauth/clients/rotating/secret',
      {
        clientSecret: 'newest-secret',
        invalidateTokens: true,
      },
    );
    expect(again.body.invalidatedTokens).toBe(2);
    expect((await afasGet(sim, ADMINISTRATIONS, bearer(fresh))).status).toBe(401);
  });

  it('expire-tokens ends live tokens without touching the client', async () => {
    const token = await fetchToken(sim, 'worker', 'worker-secret');
    const result = await control<{ expired: number }>(sim, 'POST', '/oauth/clients/worker/expire-tokens');
    expect(result.body.expired).toBeGreaterThanOrEqual(1);
    const refused = await afasGet(sim, ADMINISTRATIONS, bearer(token));
    expect(refused.headers['www-authenticate']).toContain('The access token expired');
    expect(
      (await afasGet(sim, ADMINISTRATIONS, bearer(await fetchToken(sim, 'worker', 'worker-secret')))).status,
    ).toBe(200);
  });
});
