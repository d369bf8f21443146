// The OAuth side of the client on exact responses from a tiny real HTTP server: what is sent,
// renewal on an injected clock, the stale-token rule, and redaction against a server that echoes
// every credential back into its errors.
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AfasClient } from '../../src/afas/client.js';
import { classifyAfasError } from '../../src/afas/classify.js';
import {
  AfasAbortError,
  AfasBadResponseError,
  AfasError,
  AfasHttpError,
  AfasOAuthError,
} from '../../src/afas/errors.js';
import { HttpTransport, type HttpResponse } from '../../src/afas/http.js';
import { OAuthClientAuth } from '../../src/afas/oauth.js';
import { json, startTestServer, type Handler, type TestServer } from './helpers/http-server.js';

const ID = 'sync client';
const SECRET = 'Sup3r/Secret+Value=42';
const BASIC = `Basic ${Buffer.from('sync+client:Sup3r%2FSecret%2BValue%3D42').toString('base64')}`;
/** AFAS's documented form, without the url-encoding: the fallback after invalid_client. */
const RAW_BASIC = `Basic ${Buffer.from(`${ID}:${SECRET}`).toString('base64')}`;

let server: TestServer;
let handler: Handler;
let issued: string[] = [];
const closers: (() => Promise<void>)[] = [];

/** A token endpoint issuing `access-N` tokens with the given lifetime. */
function issuing(expiresIn: unknown = 3600): Handler {
  return (req, res) => {
    if (req.url?.endsWith('/oauth/token')) {
      const token = `access-${issued.length + 1}-${'x'.repeat(24)}`;
      issued.push(token);
      json(res, 200, { access_token: token, token_type: 'bearer', expires_in: expiresIn });
      return;
    }
    json(res, 200, { version: '22.1.0' });
  };
}

function client(): AfasClient {
  const c = new AfasClient({
    environmentId: '12345',
    environmentType: 'test',
    baseUrl: server.baseUrl,
    oauthClient: { clientId: ID, clientSecret: SECRET },
  });
  closers.push(() => c.close());
  return c;
}

function auth(now: () => number): OAuthClientAuth {
  const transport = new HttpTransport({ connections: 2, maxResponseBytes: 1 << 20 });
  closers.push(() => transport.close());
  const url = new URL(server.baseUrl);
  return new OAuthClientAuth(
    { clientId: ID, clientSecret: SECRET },
    {
      transport,
      origin: url.origin,
      path: `${url.pathname}/oauth/token`,
      headers: {},
      timeoutMs: 5_000,
      now,
    },
  );
}

async function caught(promise: Promise<unknown>): Promise<AfasError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AfasError) return err;
    throw err;
  }
  throw new Error('expected an AfasError');
}

function expectNoSecret(err: AfasError, tokens: readonly string[]): void {
  const texts = [err.message, JSON.stringify(err), inspect(err, { depth: 5 }), String(err.stack)];
  for (const text of texts) {
    for (const secret of [
      SECRET,
      encodeURIComponent(SECRET),
      BASIC.slice(6),
      RAW_BASIC.slice(6),
      ...tokens,
    ]) {
      expect(text).not.toContain(secret);
    }
  }
}

const tokenRequests = () => server.requests.filter((r) => r.url.endsWith('/oauth/token'));
const invalidToken = (res: Parameters<Handler>[1]): void => {
  res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
};

beforeAll(async () => {
  server = await startTestServer((req, res) => handler(req, res));
});
afterEach(async () => {
  handler = issuing();
  issued = [];
  server.requests.length = 0;
  await Promise.all(closers.splice(0).map((close) => close()));
});
afterAll(() => server.close());

describe('the token request', () => {
  it('is a form-encoded client_credentials POST with Basic auth and no scope', async () => {
    handler = issuing();
    await client().profitVersion();
    const [token, call] = server.requests;
    expect(token?.method).toBe('POST');
    expect(token?.url).toBe('/ProfitRestServices/oauth/token');
    expect(token?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(token?.headers.authorization).toBe(BASIC);
    expect(token?.body).toBe('grant_type=client_credentials');
    expect(call?.headers.authorization).toBe(`Bearer ${issued[0]}`);
  });

  it('takes expires_in as a numeric string', async () => {
    handler = issuing('2');
    let now = 0;
    const a = auth(() => now);
    await a.authorization(undefined);
    now = 1_700; // 2 s lifetime: renewed from 1.8 s
    await a.authorization(undefined);
    expect(a.tokenRequests).toBe(1);
    now = 1_800;
    await a.authorization(undefined);
    expect(a.tokenRequests).toBe(2);
  });

  it('refuses a token_type other than Bearer, as a bad response without the token', async () => {
    handler = (_req, res) => json(res, 200, { access_token: 'secret-access-0001', token_type: 'mac' });
    const err = await caught(client().metainfo());
    expect(err).toBeInstanceOf(AfasBadResponseError);
    expect(err.message).toMatch(/token_type is "mac"/);
    expectNoSecret(err, ['secret-access-0001']);
  });
});

describe('the Basic form AFAS accepts', () => {
  /** A token endpoint taking only `accepted`; any other Basic value is an invalid client. */
  const acceptingOnly = (accepted: string): Handler => {
    const issue = issuing();
    return (req, res) =>
      req.headers.authorization === accepted
        ? issue(req, res)
        : json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
  };
  const sentBasics = () => tokenRequests().map((r) => r.headers.authorization);

  it('after invalid_client, the same request once more with the raw base64(id:secret); later tokens use that form only', async () => {
    handler = acceptingOnly(RAW_BASIC);
    let now = 0;
    const a = auth(() => now);
    expect(await a.authorization(undefined)).toBe(`Bearer ${issued[0]}`);
    expect(sentBasics()).toEqual([BASIC, RAW_BASIC]);
    expect(tokenRequests().map((r) => r.body)).toEqual([
      'grant_type=client_credentials',
      'grant_type=client_credentials',
    ]);
    for (const [renewal, at] of [3_600_000, 7_200_000].entries()) {
      now = at;
      expect(await a.authorization(undefined)).toBe(`Bearer ${issued[renewal + 1]}`);
    }
    expect(a.tokenRequests).toBe(4);
    expect(sentBasics()).toEqual([BASIC, RAW_BASIC, RAW_BASIC, RAW_BASIC]);
  });

  it('the url-encoded form accepted: one request per token, the raw form never sent', async () => {
    handler = acceptingOnly(BASIC);
    let now = 0;
    const a = auth(() => now);
    await a.authorization(undefined);
    now = 3_600_000;
    await a.authorization(undefined);
    expect(sentBasics()).toEqual([BASIC, BASIC]);
  });

  it('only invalid_client tries the other form: invalid_grant and a 503 are answered as they are', async () => {
    handler = (_req, res) => json(res, 400, { error: 'invalid_grant', error_description: 'Grant expired' });
    expect(await caught(auth(() => 0).authorization(undefined))).toBeInstanceOf(AfasOAuthError);
    expect(sentBasics()).toEqual([BASIC]);
    server.requests.length = 0;
    handler = (_req, res) => json(res, 503, { error: 'temporarily_unavailable' });
    expect(await caught(auth(() => 0).authorization(undefined))).toBeInstanceOf(AfasHttpError);
    expect(sentBasics()).toEqual([BASIC]);
  });
});

describe('the cached token on an injected clock', () => {
  it('is reused until min(60 s, 10 %) before expiry, then renewed once', async () => {
    handler = issuing(3600);
    let now = 1_000;
    const a = auth(() => now);
    const first = await a.authorization(undefined);
    now += 3_539_999;
    expect(await a.authorization(undefined)).toBe(first);
    expect(a.tokenRequests).toBe(1);
    now += 1;
    const [second, third] = await Promise.all([a.authorization(undefined), a.authorization(undefined)]);
    expect(second).not.toBe(first);
    expect(third).toBe(second);
    expect(a.tokenRequests).toBe(2);
  });

  it('drops a refused token only while it is still the cached one', async () => {
    handler = issuing();
    const a = auth(() => 0);
    const rejected: HttpResponse = {
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      body: Buffer.alloc(0),
      wireBytes: 0,
      requestMs: 0,
    };
    const first = await a.authorization(undefined);
    expect(a.renewAfterRejection(first, rejected)).toBe(true);
    const second = await a.authorization(undefined);
    expect(second).not.toBe(first);
    // A slower call that was refused with the first token must not throw away the second.
    expect(a.renewAfterRejection(first, rejected)).toBe(true);
    expect(await a.authorization(undefined)).toBe(second);
    expect(a.tokenRequests).toBe(2);
    // A 401 without the invalid_token challenge renews nothing.
    expect(a.renewAfterRejection(second, { ...rejected, headers: {} })).toBe(false);
    expect(await a.authorization(undefined)).toBe(second);
  });

  it('a caller that aborts stops waiting; the shared request still serves the others', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const issue = issuing();
    handler = async (req, res) => {
      await gate;
      await issue(req, res);
    };
    const a = auth(() => 0);
    const controller = new AbortController();
    const aborted = caught(a.authorization(controller.signal));
    const patient = a.authorization(undefined);
    controller.abort();
    expect(await aborted).toBeInstanceOf(AfasAbortError);
    release();
    expect(await patient).toBe(`Bearer ${issued[0]}`);
    expect(a.tokenRequests).toBe(1);
  });
});

describe('401 invalid_token on a call', () => {
  it('a second 401 after the one renewal is an auth error, not a loop', async () => {
    const issue = issuing();
    handler = (req, res) => (req.url?.endsWith('/oauth/token') ? issue(req, res) : invalidToken(res));
    const err = await caught(client().profitVersion());
    expect(err).toBeInstanceOf(AfasHttpError);
    expect((err as AfasHttpError).status).toBe(401);
    expect(classifyAfasError(err)).toMatchObject({ class: 'auth', retryable: false });
    expect(tokenRequests()).toHaveLength(2);
    expect(server.requests).toHaveLength(4);
  });

  it('a classic token is never retried on 401', async () => {
    handler = (_req, res) => invalidToken(res);
    const c = new AfasClient({
      environmentId: '12345',
      environmentType: 'test',
      baseUrl: server.baseUrl,
      token: 'DATA1234',
    });
    closers.push(() => c.close());
    await caught(c.profitVersion());
    expect(server.requests).toHaveLength(1);
  });
});

describe('token endpoint errors', () => {
  it('invalid_grant (400) is AfasOAuthError with AFAS description; 429 stays a retryable HTTP error', async () => {
    handler = (_req, res) => json(res, 400, { error: 'invalid_grant', error_description: 'Grant expired' });
    const err = await caught(client().metainfo());
    expect(err).toBeInstanceOf(AfasOAuthError);
    expect(err).toMatchObject({
      status: 400,
      oauthError: 'invalid_grant',
      errorDescription: 'Grant expired',
    });
    expect(err.message).toContain('Grant expired');
    expect(classifyAfasError(err)).toMatchObject({ class: 'auth', retryable: false });

    handler = (_req, res) => json(res, 429, { error: 'slow_down' }, { 'retry-after': '3' });
    const limited = await caught(client().metainfo());
    expect(limited).toBeInstanceOf(AfasHttpError);
    expect(classifyAfasError(limited)).toMatchObject({
      class: 'transient',
      retryable: true,
      retryAfterMs: 3_000,
    });
  });

  it('redacts the secret, the Basic value and access tokens a server echoes back', async () => {
    const echo = (req: Parameters<Handler>[0]) =>
      `auth=${req.headers.authorization ?? ''} secret=${SECRET} enc=${encodeURIComponent(SECRET)}`;
    // The token endpoint echoing the Basic header and the secret into its refusal.
    handler = (req, res) =>
      json(
        res,
        401,
        { error: 'invalid_client', error_description: echo(req) },
        { 'www-authenticate': 'Basic' },
      );
    const refused = await caught(client().metainfo());
    expect(refused).toBeInstanceOf(AfasOAuthError);
    expect((refused as AfasOAuthError).errorDescription).toContain('[REDACTED]');
    expectNoSecret(refused, []);

    // An AFAS call echoing the Bearer token into a 500 body and a non-JSON excerpt.
    const issue = issuing();
    handler = (req, res) =>
      req.url?.endsWith('/oauth/token') ? issue(req, res) : json(res, 500, { externalMessage: echo(req) });
    const failed = await caught(client().metainfo());
    handler = (req, res) =>
      req.url?.endsWith('/oauth/token')
        ? issue(req, res)
        : void res.writeHead(502).end(`<html>${echo(req)}</html>`);
    const proxied = await caught(client().metainfo());
    expect(issued.length).toBe(2);
    for (const err of [failed, proxied]) {
      expect(err.message).toContain('[REDACTED]');
      expectNoSecret(err, issued);
    }
  });
});
