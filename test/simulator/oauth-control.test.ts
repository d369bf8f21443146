import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import type { OAuthClientSummary } from '../../src/simulator/oauth/clients.js';
import type { RequestLogEntry } from '../../src/simulator/request-log.js';
import { afasGet, authHeaders, control } from './helpers.js';
import { basicAuth, bearer, fetchToken, FORM, form, postToken } from './oauth-helpers.js';

const SECRET = 'counter-secret-5f1c';
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    control: true,
    linesPerYear: 50,
    oauthClients: [{ clientId: 'counted', clientSecret: SECRET }],
  });
});

afterEach(async () => {
  await control(sim, 'DELETE', '/faults');
});

afterAll(async () => {
  await sim.close();
});

interface Overview {
  tokenTtlSeconds: number;
  basicEncoding: string;
  unknownClientRequests: number;
  clients: OAuthClientSummary[];
}

async function client(clientId: string): Promise<OAuthClientSummary | undefined> {
  const overview = await control<Overview>(sim, 'GET', '/oauth');
  return overview.body.clients.find((entry) => entry.clientId === clientId);
}

const GRANT = 'grant_type=client_credentials';

describe('OAuth control API', () => {
  it('lists clients with counters of issued and refused token requests, never a secret', async () => {
    const before = await client('counted');
    expect(before).toMatchObject({ appName: 'afas-sync simulator', connectors: null, revoked: false });
    await fetchToken(sim, 'counted', SECRET);
    await fetchToken(sim, 'counted', SECRET);
    await postToken(sim, GRANT, { authorization: basicAuth('counted', 'wrong') });
    await postToken(sim, 'grant_type=password', { authorization: basicAuth('counted', SECRET) });
    await postToken(sim, form({ grant_type: 'client_credentials', client_id: 'ghost', client_secret: 'x' }));
    const overview = await control<Overview>(sim, 'GET', '/oauth');
    const after = overview.body.clients.find((entry) => entry.clientId === 'counted');
    expect(after?.tokenRequests).toEqual({
      issued: (before?.tokenRequests.issued ?? 0) + 2,
      refused: (before?.tokenRequests.refused ?? 0) + 2,
    });
    expect(after?.liveTokens).toBe((before?.liveTokens ?? 0) + 2);
    expect(overview.body.unknownClientRequests).toBeGreaterThanOrEqual(1);
    expect(overview.body.tokenTtlSeconds).toBe(3600);
    expect(overview.body.basicEncoding).toBe('both');
    expect(JSON.stringify(overview.body)).not.toContain(SECRET);
  });

  it('adds a client with an App connector; replacing it invalidates its tokens but keeps its counters', async () => {
    const added = await control<OAuthClientSummary>(sim, 'POST', '/oauth/clients', {
      clientId: 'added',
      clientSecret: 'added-secret',
      appName: 'Added',
      connectors: ['Profit_Accounts'],
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      clientId: 'added',
      appName: 'Added',
      connectors: ['Profit_Accounts'],
    });
    expect(JSON.stringify(added.body)).not.toContain('added-secret');
    const token = await fetchToken(sim, 'added', 'added-secret');
    expect((await afasGet(sim, '/connectors/Profit_Accounts?take=1', bearer(token))).status).toBe(200);
    expect((await afasGet(sim, '/connectors/Profit_Debtor?take=1', bearer(token))).status).toBe(401);

    await control(sim, 'POST', '/oauth/clients', { clientId: 'added', clientSecret: 'second-secret' });
    expect((await afasGet(sim, '/connectors/Profit_Accounts?take=1', bearer(token))).status).toBe(401);
    expect((await client('added'))?.tokenRequests.issued).toBe(1);
  });

  it('refuses bad input with a clear 400 or 404', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/oauth/clients', { clientId: 'a:b', clientSecret: 'x' }, 400, "without ':'"],
      [
        '/oauth/clients',
        { clientId: 'c', clientSecret: 'x', connectors: ['Profit_Nope'] },
        400,
        'Profit_Nope',
      ],
      ['/oauth/clients', { clientId: 'c' }, 400, 'clientSecret'],
      ['/oauth/token-ttl', { seconds: 0 }, 400, 'whole seconds'],
      ['/oauth/basic-encoding', { accepts: 'latin1' }, 400, 'accepts'],
      ['/oauth/clients/ghost/revoke', undefined, 404, "no OAuth client 'ghost'"],
      ['/oauth/clients/ghost/secret', { clientSecret: 'y' }, 404, "no OAuth client 'ghost'"],
      ['/oauth/clients/counted/frobnicate', undefined, 404, 'unknown OAuth client action'],
    ];
    for (const [path, body, status, message] of cases) {
      const result = await control<{ error: string }>(sim, 'POST', path, body);
      expect(result.status, path).toBe(status);
      expect(result.body.error, path).toContain(message);
    }
  });
});

describe('faults on the token endpoint', () => {
  it('503 with Retry-After, only on the token endpoint, not on connector calls', async () => {
    const rule = await control(sim, 'POST', '/faults', {
      kind: 'unavailable',
      endpoint: 'token',
      retryAfterSeconds: 30,
      count: 1,
    });
    expect(rule.status).toBe(201);
    expect((await afasGet(sim, '/connectors/Profit_Accounts?take=1', authHeaders())).status).toBe(200);
    const faulted = await postToken(sim, GRANT, { authorization: basicAuth('counted', SECRET) });
    expect(faulted.status).toBe(503);
    expect(faulted.headers['retry-after']).toBe('30');
    expect((await postToken(sim, GRANT, { authorization: basicAuth('counted', SECRET) })).status).toBe(200);
  });

  it('503 without Retry-After when retryAfterSeconds is null', async () => {
    await control(sim, 'POST', '/faults', {
      kind: 'unavailable',
      endpoint: 'token',
      retryAfterSeconds: null,
      count: 1,
    });
    const faulted = await postToken(sim, GRANT, { authorization: basicAuth('counted', SECRET) });
    expect(faulted.status).toBe(503);
    expect(faulted.headers['retry-after']).toBeUndefined();
    expect(JSON.parse(faulted.text)).not.toHaveProperty('retry_after');
  });

  it('reset drops the connection of a token request', async () => {
    await control(sim, 'POST', '/faults', { kind: 'reset', endpoint: 'token', count: 1 });
    const attempt = request(`${sim.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': FORM, authorization: basicAuth('counted', SECRET) },
      body: GRANT,
    }).then((response) => response.body.text());
    await expect(attempt).rejects.toThrow();
    expect((await postToken(sim, GRANT, { authorization: basicAuth('counted', SECRET) })).status).toBe(200);
  });

  it('a rule without endpoint leaves the token endpoint alone; endpoint any hits both', async () => {
    await control(sim, 'POST', '/faults', { kind: 'unavailable', count: 1 });
    expect((await postToken(sim, GRANT, { authorization: basicAuth('counted', SECRET) })).status).toBe(200);
    await control(sim, 'DELETE', '/faults');
    await control(sim, 'POST', '/faults', { kind: 'unavailable', endpoint: 'any', count: 2 });
    expect((await postToken(sim, GRANT, { authorization: basicAuth('counted', SECRET) })).status).toBe(503);
    expect((await afasGet(sim, '/connectors/Profit_Accounts?take=1', authHeaders())).status).toBe(503);
  });

  it('lists every access token issued, dead ones too, per client, for leak-scanning tests', async () => {
    await control(sim, 'POST', '/oauth/clients', { clientId: 'listed', clientSecret: 'listed-secret' });
    const first = await fetchToken(sim, 'listed', 'listed-secret');
    const second = await fetchToken(sim, 'listed', 'listed-secret');
    const other = await fetchToken(sim, 'counted', SECRET);
    // Rotating with invalidation drops the live tokens; the list still names them.
    await control(sim, 'POST', '/oauth/clients/listed/secret', {
      clientSecret: 'listed-secret-2',
      invalidateTokens: true,
    });
    type Issued = { tokens: { clientId: string; accessToken: string; issuedAt: string }[] };
    const listed = await control<Issued>(sim, 'GET', '/oauth/issued-tokens/listed');
    expect(listed.status).toBe(200);
    expect(listed.body.tokens.map((token) => [token.clientId, token.accessToken])).toEqual([
      ['listed', first],
      ['listed', second],
    ]);
    const all = await control<Issued>(sim, 'GET', '/oauth/issued-tokens');
    expect(all.body.tokens.map((token) => token.accessToken)).toEqual(
      expect.arrayContaining([first, second, other]),
    );
    expect(JSON.stringify(all.body)).not.toContain(SECRET);
    expect((await control(sim, 'POST', '/oauth/issued-tokens')).status).toBe(405);
  });

  it('refuses Profit faults or a connector on the token endpoint', async () => {
    const locked = await control<{ error: string }>(sim, 'POST', '/faults', {
      kind: 'locked',
      endpoint: 'token',
    });
    expect(locked.status).toBe(400);
    expect(locked.body.error).toContain("'locked' cannot target the token endpoint");
    const named = await control<{ error: string }>(sim, 'POST', '/faults', {
      kind: 'reset',
      endpoint: 'token',
      connector: 'Profit_Accounts',
    });
    expect(named.status).toBe(400);
  });
});

describe('the request log keeps no secret', () => {
  it('records scheme and client id, never the secret or access token, even from the query string', async () => {
    await control(sim, 'DELETE', '/requests');
    const token = await fetchToken(sim, 'counted', SECRET);
    await postToken(
      sim,
      form({ grant_type: 'client_credentials', client_id: 'counted', client_secret: SECRET }),
    );
    await postToken(sim, GRANT, {}, `?client_secret=${SECRET}&access_token=${token}`);
    await afasGet(sim, `/connectors/Profit_Accounts?take=1&access_token=${token}`, bearer(token));
    const log = await control<{ entries: RequestLogEntry[] }>(sim, 'GET', '/requests');
    const text = JSON.stringify(log.body);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(token);
    expect(
      log.body.entries.map((entry) => [entry.path.split('/').pop(), entry.auth, entry.clientId]),
    ).toEqual([
      ['token', 'oauth-client', 'counted'],
      ['token', 'oauth-client', 'counted'],
      ['token', 'oauth-client', null],
      ['Profit_Accounts', 'bearer', 'counted'],
    ]);
    expect(log.body.entries[2]?.query['client_secret']).toBe('[redacted]');
  });
});
