import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { control, http } from './helpers.js';
import { basicAuth, form, postToken, type TokenAnswer } from './oauth-helpers.js';

// A secret with characters RFC 6749's form-encoding changes (`:`, `%`, `+`, space, `é`).
const SECRET = 's3cr:et%2B+ é';
const INVALID_HTTP = {
  error: 'invalid_request',
  error_description: 'Invalid HTTP request for token endpoint',
};
const GRANT = 'grant_type=client_credentials';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    control: true,
    linesPerYear: 50,
    oauthClients: [
      { clientId: 'sync-client', clientSecret: SECRET },
      { clientId: 'code-only', clientSecret: 'code-secret', grantTypes: ['authorization_code'] },
      { clientId: 'to-revoke', clientSecret: 'revoke-secret' },
    ],
    oauthTokenTtlSeconds: 120,
  });
});

afterAll(async () => {
  await sim.close();
});

function json(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

describe('token endpoint: success', () => {
  it('issues a Bearer token for HTTP Basic with url-encoded id and secret, not cacheable', async () => {
    const result = await postToken(sim, GRANT, { authorization: basicAuth('sync-client', SECRET) });
    expect(result.status).toBe(200);
    expect(result.headers['cache-control']).toBe('no-store');
    expect(result.headers['pragma']).toBe('no-cache');
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    const body = json(result.text) as unknown as TokenAnswer;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(120);
    expect(body.access_token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  });

  it('accepts HTTP Basic without the url-encoding', async () => {
    const result = await postToken(sim, GRANT, { authorization: basicAuth('sync-client', SECRET, false) });
    expect(result.status).toBe(200);
  });

  it('accepts client_id and client_secret in the body, ignores scope, and issues a fresh token each time', async () => {
    const body = form({
      grant_type: 'client_credentials',
      client_id: 'sync-client',
      client_secret: SECRET,
      scope: 'profit',
    });
    const first = json((await postToken(sim, body)).text);
    const second = json((await postToken(sim, body)).text);
    expect(first['token_type']).toBe('Bearer');
    expect(second['access_token']).not.toBe(first['access_token']);
  });

  it('takes the form content type with a charset and in any case', async () => {
    const result = await postToken(sim, GRANT, {
      authorization: basicAuth('sync-client', SECRET),
      'content-type': 'Application/X-WWW-Form-Urlencoded; charset=UTF-8',
    });
    expect(result.status).toBe(200);
  });
});

describe('token endpoint: invalid_request', () => {
  it('refuses a GET with AFAS’s exact 400 body', async () => {
    const result = await http(`${sim.baseUrl}/oauth/token?grant_type=client_credentials`, {
      headers: { authorization: basicAuth('sync-client', SECRET) },
    });
    expect(result.status).toBe(400);
    expect(json(result.text)).toEqual(INVALID_HTTP);
    expect(result.headers['cache-control']).toBe('no-store');
  });

  it('refuses a JSON body with AFAS’s exact 400 body', async () => {
    const result = await postToken(
      sim,
      JSON.stringify({ grant_type: 'client_credentials', client_id: 'sync-client', client_secret: SECRET }),
      { 'content-type': 'application/json' },
    );
    expect(result.status).toBe(400);
    expect(json(result.text)).toEqual(INVALID_HTTP);
  });

  it('refuses a POST without content type', async () => {
    const result = await http(`${sim.baseUrl}/oauth/token`, { method: 'POST', body: GRANT });
    expect(result.status).toBe(400);
    expect(json(result.text)).toEqual(INVALID_HTTP);
  });

  it('refuses Basic and body credentials together', async () => {
    const result = await postToken(
      sim,
      form({ grant_type: 'client_credentials', client_id: 'sync-client' }),
      {
        authorization: basicAuth('sync-client', SECRET),
      },
    );
    expect(result.status).toBe(400);
    expect(json(result.text)).toMatchObject({ error: 'invalid_request' });
    expect(String(json(result.text)['error_description'])).toContain('not both');
  });

  it('refuses a missing grant_type', async () => {
    const result = await postToken(sim, 'scope=x', { authorization: basicAuth('sync-client', SECRET) });
    expect(result.status).toBe(400);
    expect(json(result.text)).toEqual({
      error: 'invalid_request',
      error_description: 'The grant_type parameter is missing',
    });
  });

  it('refuses a repeated parameter and a secret in the query string', async () => {
    const repeated = await postToken(sim, `${GRANT}&${GRANT}`, {
      authorization: basicAuth('sync-client', SECRET),
    });
    expect(repeated.status).toBe(400);
    expect(json(repeated.text)['error']).toBe('invalid_request');
    const inQuery = await postToken(
      sim,
      GRANT,
      {},
      `?client_id=sync-client&client_secret=${encodeURIComponent(SECRET)}`,
    );
    expect(inQuery.status).toBe(400);
    expect(json(inQuery.text)['error']).toBe('invalid_request');
    expect(inQuery.text).not.toContain('s3cr');
  });
});

describe('token endpoint: client authentication', () => {
  it('wrong secret with Basic → 401 invalid_client with a Basic challenge', async () => {
    const result = await postToken(sim, GRANT, { authorization: basicAuth('sync-client', 'wrong') });
    expect(result.status).toBe(401);
    expect(result.headers['www-authenticate']).toBe('Basic realm="AFAS Profit"');
    expect(json(result.text)).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed',
    });
  });

  it('unknown client in the body → 400 invalid_client without a challenge', async () => {
    const result = await postToken(
      sim,
      form({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }),
    );
    expect(result.status).toBe(400);
    expect(result.headers['www-authenticate']).toBeUndefined();
    expect(json(result.text)['error']).toBe('invalid_client');
  });

  it('no client authentication at all → 400 invalid_client; malformed Basic → 401', async () => {
    const none = await postToken(sim, GRANT);
    expect(none.status).toBe(400);
    expect(json(none.text)['error']).toBe('invalid_client');
    for (const authorization of [
      'Basic !!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      'Bearer x',
    ]) {
      const result = await postToken(sim, GRANT, { authorization });
      expect(result.status, authorization).toBe(401);
      expect(result.headers['www-authenticate'], authorization).toBe('Basic realm="AFAS Profit"');
      expect(json(result.text)['error'], authorization).toBe('invalid_client');
    }
  });

  it('a revoked client → invalid_client saying so (401 with Basic, 400 in the body)', async () => {
    expect((await control(sim, 'POST', '/oauth/clients/to-revoke/revoke')).status).toBe(200);
    const viaBasic = await postToken(sim, GRANT, { authorization: basicAuth('to-revoke', 'revoke-secret') });
    expect(viaBasic.status).toBe(401);
    expect(json(viaBasic.text)).toEqual({
      error: 'invalid_client',
      error_description: 'The client has been revoked',
    });
    const viaBody = await postToken(
      sim,
      form({ grant_type: 'client_credentials', client_id: 'to-revoke', client_secret: 'revoke-secret' }),
    );
    expect(viaBody.status).toBe(400);
    expect(json(viaBody.text)['error']).toBe('invalid_client');
  });
});

describe('token endpoint: which Basic form it accepts (control API basic-encoding)', () => {
  // SECRET holds `:`, `%`, `+`, a space and `é`: its url-encoded and raw Basic forms differ.
  const encoded = basicAuth('sync-client', SECRET);
  const raw = basicAuth('sync-client', SECRET, false);
  async function statuses(accepts: string): Promise<Record<string, number>> {
    const set = await control<{ basicEncoding: string }>(sim, 'POST', '/oauth/basic-encoding', { accepts });
    expect(set).toEqual({ status: 200, body: { basicEncoding: accepts } });
    expect((await control<{ basicEncoding: string }>(sim, 'GET', '/oauth')).body.basicEncoding).toBe(accepts);
    return {
      encoded: (await postToken(sim, GRANT, { authorization: encoded })).status,
      raw: (await postToken(sim, GRANT, { authorization: raw })).status,
      body: (
        await postToken(
          sim,
          form({ grant_type: 'client_credentials', client_id: 'sync-client', client_secret: SECRET }),
        )
      ).status,
      plain: (await postToken(sim, GRANT, { authorization: basicAuth('to-plain', 'plain-secret', false) }))
        .status,
    };
  }

  it('raw takes only base64(id:secret) as sent, urlencoded only the decoded pair, both (the default) either', async () => {
    await control(sim, 'POST', '/oauth/clients', { clientId: 'to-plain', clientSecret: 'plain-secret' });
    try {
      expect(await statuses('raw')).toEqual({ encoded: 401, raw: 200, body: 200, plain: 200 });
      expect(await statuses('urlencoded')).toEqual({ encoded: 200, raw: 401, body: 200, plain: 200 });
      // A pair that is not valid url-encoding cannot be decoded: refused like a malformed Basic.
      const undecodable = `Basic ${Buffer.from('sync-client:100%').toString('base64')}`;
      expect((await postToken(sim, GRANT, { authorization: undecodable })).status).toBe(401);
    } finally {
      expect(await statuses('both')).toEqual({ encoded: 200, raw: 200, body: 200, plain: 200 });
    }
  });

  it('refuses an unknown setting with a 400 naming the choices', async () => {
    const result = await control<{ error: string }>(sim, 'POST', '/oauth/basic-encoding', {
      accepts: 'latin1',
    });
    expect(result.status).toBe(400);
    expect(result.body.error).toMatch(/both.*raw.*urlencoded/);
  });
});

describe('token endpoint: grants', () => {
  it('another grant type → unsupported_grant_type', async () => {
    const result = await postToken(sim, 'grant_type=password', {
      authorization: basicAuth('sync-client', SECRET),
    });
    expect(result.status).toBe(400);
    expect(json(result.text)).toEqual({
      error: 'unsupported_grant_type',
      error_description: "The grant type 'password' is not supported",
    });
  });

  it('a client without the client-credentials grant → unauthorized_client', async () => {
    const result = await postToken(sim, GRANT, { authorization: basicAuth('code-only', 'code-secret') });
    expect(result.status).toBe(400);
    expect(json(result.text)).toEqual({
      error: 'unauthorized_client',
      error_description: 'The client is not allowed the client_credentials grant',
    });
  });
});
