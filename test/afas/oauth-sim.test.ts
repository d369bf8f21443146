// The AFAS client's OAuth 2 client credentials against the simulator over real HTTP: Bearer on
// every call, one token per lifetime, single-flight, invalid_token recovery, refusals and faults.
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AfasSession } from '../../src/activities/afas-session.js';
import { AfasClient } from '../../src/afas/client.js';
import { classifyAfasError } from '../../src/afas/classify.js';
import { AfasError, AfasHttpError, AfasNetworkError, AfasOAuthError } from '../../src/afas/errors.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { SimControl } from '../helpers/simulator.js';

const SECRET = 'worker-secret-7f3a9c0d1e2b4a5c';
const WRONG = 'not-the-secret-1b2c3d4e5f';
/** A secret RFC 6749's url-encoding changes: its Basic credentials have two forms. */
const ENCODED = 'worker+secret/7f3a=9c0d';
const WRONG_ENCODED = 'not+the/secret=1b2c';
const APP = 'afas-sync OAuth';

let sim: RunningSimulator;
let control: SimControl;
const clients: AfasClient[] = [];
const errors: AfasError[] = [];

interface LogEntry {
  path: string;
  status: number;
  auth: string | null;
  clientId: string | null;
  fault: string | null;
}
interface ClientOverview {
  clientId: string;
  tokenRequests: { issued: number; refused: number };
}

function client(clientId: string, clientSecret = SECRET): AfasClient {
  const c = new AfasClient({
    environmentId: '12345',
    environmentType: 'test',
    baseUrl: sim.baseUrl,
    oauthClient: { clientId, clientSecret },
  });
  clients.push(c);
  return c;
}

/** A fresh OAuth client in the simulator, so each test counts its own token requests. */
let serial = 0;
async function freshClientId(clientSecret = SECRET): Promise<string> {
  serial += 1;
  const clientId = `worker-${serial}`;
  await control.call('POST', 'oauth/clients', { clientId, clientSecret, appName: APP });
  return clientId;
}

async function tokenRequests(clientId: string): Promise<{ issued: number; refused: number }> {
  const overview = await control.call<{ clients: ClientOverview[] }>('GET', 'oauth');
  const found = overview.clients.find((c) => c.clientId === clientId);
  if (!found) throw new Error(`no simulator client ${clientId}`);
  return found.tokenRequests;
}

/** The simulator's request log; with a client id, only the requests it identified as that client. */
async function log(clientId?: string): Promise<LogEntry[]> {
  const body = await control.call<{ entries: LogEntry[] }>('GET', 'requests?limit=10000');
  return clientId === undefined ? body.entries : body.entries.filter((e) => e.clientId === clientId);
}

async function caught(promise: Promise<unknown>): Promise<AfasError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AfasError) {
      errors.push(err);
      return err;
    }
    throw err;
  }
  throw new Error('expected an AfasError');
}

beforeAll(async () => {
  sim = await startSimulator({
    control: true,
    seed: 11,
    linesPerYear: 60,
    years: [2024],
    tokens: [{ token: 'demo' }],
    oauthTokenTtlSeconds: 60,
  });
  control = new SimControl(sim.url);
});
afterEach(async () => {
  await control.clearFaults();
  await control.call('POST', 'oauth/token-ttl', { seconds: 60 });
  await control.call('POST', 'oauth/basic-encoding', { accepts: 'both' });
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await sim.close();
});

describe('AfasClient with an OAuth client against the simulator', () => {
  it('asks for one token, then sends it as Bearer on every kind of call', async () => {
    const id = await freshClientId();
    const c = client(id);
    const info = await c.metainfo();
    // The App connector of the OAuth client, not of the classic token: the Bearer identified us.
    expect(info.info?.appName).toBe(APP);
    await c.describeGetConnector('Profit_Accounts');
    await c.profitVersion();
    let pages = 0;
    for await (const page of c.pages('Profit_Transactions', {
      orderBy: ['UnitId', 'EntryNo', 'SeqNo'],
      take: 20,
    })) {
      pages += 1;
      if (page.next === null) break;
    }
    expect(pages).toBeGreaterThan(1);
    expect(await tokenRequests(id)).toEqual({ issued: 1, refused: 0 });
    const entries = await log(id);
    const calls = entries.filter((e) => !e.path.endsWith('/oauth/token'));
    expect(calls.length).toBe(3 + pages);
    for (const entry of calls) {
      expect(entry.auth, entry.path).toBe('bearer');
      expect(entry.status, entry.path).toBe(200);
    }
  });

  it('a burst of concurrent calls asks for one token', async () => {
    const id = await freshClientId();
    const c = client(id);
    await Promise.all(Array.from({ length: 25 }, () => c.profitVersion()));
    expect(await tokenRequests(id)).toEqual({ issued: 1, refused: 0 });
  });

  it('across several 1-second lifetimes: no call fails, one token request per lifetime', async () => {
    await control.call('POST', 'oauth/token-ttl', { seconds: 1 });
    const id = await freshClientId();
    const c = client(id);
    await control.clearRequests();
    const started = performance.now();
    let calls = 0;
    // Four workers calling back to back for 4.5 s: calls cross every refresh boundary.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() - started < 4_500) {
          await c.profitVersion();
          calls += 1;
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const { issued, refused } = await tokenRequests(id);
    expect(refused).toBe(0);
    expect(calls).toBeGreaterThan(50);
    // Renewed at 0.9 s of each 1 s lifetime: about elapsed / 0.9 tokens, never one per call.
    expect(issued).toBeGreaterThanOrEqual(Math.floor(elapsedS));
    expect(issued).toBeLessThanOrEqual(Math.ceil(elapsedS / 0.9) + 1);
    // No call was ever sent with an expired token (a refused Bearer names no client: whole log).
    expect((await log()).filter((e) => e.status === 401)).toEqual([]);
  });

  it('a 401 invalid_token drops the token, fetches one new token and retries the call once', async () => {
    const id = await freshClientId();
    const c = client(id);
    await c.profitVersion();
    await control.call('POST', `oauth/clients/${id}/expire-tokens`);
    await control.clearRequests();
    expect(await c.profitVersion()).toMatch(/^\d+\.\d+/);
    expect(await tokenRequests(id)).toEqual({ issued: 2, refused: 0 });
    // The whole log: a refused Bearer names no client. Tests run one at a time in this file.
    const statuses = (await log()).map(
      (e) => `${e.path.endsWith('/oauth/token') ? 'token' : 'call'} ${e.status}`,
    );
    expect(statuses).toEqual(['call 401', 'token 200', 'call 200']);
  });

  it('a revoked client: the retry after invalid_token meets invalid_client, an auth error', async () => {
    const id = await freshClientId();
    const c = client(id);
    await c.profitVersion();
    await control.call('POST', `oauth/clients/${id}/revoke`);
    const err = await caught(c.profitVersion());
    expect(err).toBeInstanceOf(AfasOAuthError);
    expect(classifyAfasError(err)).toMatchObject({ class: 'auth', retryable: false });
  });

  it('invalid_client: the typed error with AFAS description after exactly one request', async () => {
    const id = await freshClientId();
    const c = client(id, WRONG);
    const err = await caught(c.metainfo());
    expect(err).toBeInstanceOf(AfasOAuthError);
    const oauth = err as AfasOAuthError;
    expect(oauth.status).toBe(401);
    expect(oauth.oauthError).toBe('invalid_client');
    expect(oauth.errorDescription).toMatch(/\S/);
    expect(oauth.message).toContain(oauth.errorDescription ?? '');
    expect(classifyAfasError(err)).toMatchObject({
      class: 'auth',
      retryable: false,
      reason: 'oauth-invalid_client',
    });
    expect(await tokenRequests(id)).toEqual({ issued: 0, refused: 1 });
    // Nothing else was sent: no connector call without a token.
    expect((await log(id)).map((e) => e.path)).toEqual([expect.stringMatching(/\/oauth\/token$/)]);
  });

  it('a 503 of the token endpoint is retryable with its Retry-After; the next call gets a token', async () => {
    const id = await freshClientId();
    const c = client(id);
    await control.fault({ kind: 'unavailable', endpoint: 'token', count: 1, retryAfterSeconds: 7 });
    const err = await caught(c.metainfo());
    expect(err).toBeInstanceOf(AfasHttpError);
    expect((err as AfasHttpError).status).toBe(503);
    expect(classifyAfasError(err)).toMatchObject({
      class: 'transient',
      retryable: true,
      retryAfterMs: 7_000,
    });
    await c.metainfo();
    expect((await tokenRequests(id)).issued).toBe(1);
  });

  it('a connection reset at the token endpoint is retryable', async () => {
    const id = await freshClientId();
    const c = client(id);
    await control.fault({ kind: 'reset', endpoint: 'token', count: 1 });
    const err = await caught(c.profitVersion());
    expect(err).toBeInstanceOf(AfasNetworkError);
    expect(classifyAfasError(err)).toMatchObject({ class: 'transient', retryable: true });
    await c.profitVersion();
  });

  it("an activity's session retries token-endpoint faults in place, and never a refused client", async () => {
    const policy = { attempts: 4, baseDelayMs: 10, maxInlineWaitMs: 1_000 };
    const signal = new AbortController().signal;
    const id = await freshClientId();
    await control.fault({ kind: 'unavailable', endpoint: 'token', count: 1, retryAfterSeconds: null });
    await control.fault({ kind: 'reset', endpoint: 'token', count: 1 });
    const session = new AfasSession(client(id), policy, signal);
    await session.metainfo();
    expect(session.retries).toBe(2);
    // The simulator resets the connection after issuing: that token never reached the client.
    expect(await tokenRequests(id)).toEqual({ issued: 2, refused: 0 });

    const refusedId = await freshClientId();
    const refused = new AfasSession(client(refusedId, WRONG), policy, signal);
    expect(await caught(refused.metainfo())).toBeInstanceOf(AfasOAuthError);
    expect(refused.retries).toBe(0);
    expect(await tokenRequests(refusedId)).toEqual({ issued: 0, refused: 1 });
  });
});

// AFAS documents `Basic base64(id:secret)`, RFC 6749 url-encodes id and secret first; whether AFAS
// decodes is unknown. The simulator plays each server; the client must get its token from both.
describe('Basic credentials with a secret url-encoding changes', () => {
  /** The token requests the simulator logged for a client, as `status` numbers in order. */
  async function tokenStatuses(clientId: string): Promise<number[]> {
    return (await log(clientId)).filter((e) => e.path.endsWith('/oauth/token')).map((e) => e.status);
  }

  /** Ends the client's token so its next call needs a new one; returns the call's token statuses. */
  async function renewedTokenStatuses(c: AfasClient, clientId: string): Promise<number[]> {
    await control.call('POST', `oauth/clients/${clientId}/expire-tokens`);
    await control.clearRequests();
    await c.profitVersion();
    return tokenStatuses(clientId);
  }

  it('AFAS taking only the raw form: refused url-encoded once, then raw, which every later token uses', async () => {
    await control.call('POST', 'oauth/basic-encoding', { accepts: 'raw' });
    const id = await freshClientId(ENCODED);
    const c = client(id, ENCODED);
    await control.clearRequests();
    expect((await c.metainfo()).info?.appName).toBe(APP);
    expect(await tokenStatuses(id)).toEqual([401, 200]);
    expect(await tokenRequests(id)).toEqual({ issued: 1, refused: 1 });
    for (let renewal = 0; renewal < 3; renewal++) {
      expect(await renewedTokenStatuses(c, id)).toEqual([200]);
    }
    expect(await tokenRequests(id)).toEqual({ issued: 4, refused: 1 });
  });

  it('AFAS taking only the url-encoded form: one request per token', async () => {
    await control.call('POST', 'oauth/basic-encoding', { accepts: 'urlencoded' });
    const id = await freshClientId(ENCODED);
    const c = client(id, ENCODED);
    await control.clearRequests();
    await c.metainfo();
    expect(await tokenStatuses(id)).toEqual([200]);
    expect(await renewedTokenStatuses(c, id)).toEqual([200]);
    expect(await tokenRequests(id)).toEqual({ issued: 2, refused: 0 });
  });

  it('a wrong secret is refused in both forms: invalid_client after exactly two requests, never retried', async () => {
    for (const accepts of ['raw', 'urlencoded', 'both'] as const) {
      await control.call('POST', 'oauth/basic-encoding', { accepts });
      const id = await freshClientId(ENCODED);
      await control.clearRequests();
      const session = new AfasSession(
        client(id, WRONG_ENCODED),
        { attempts: 4, baseDelayMs: 10, maxInlineWaitMs: 1_000 },
        new AbortController().signal,
      );
      const err = await caught(session.metainfo());
      expect(err, accepts).toBeInstanceOf(AfasOAuthError);
      expect(err).toMatchObject({ status: 401, oauthError: 'invalid_client' });
      expect(classifyAfasError(err)).toMatchObject({ class: 'auth', retryable: false });
      expect(session.retries).toBe(0);
      expect(await tokenStatuses(id), accepts).toEqual([401, 401]);
      expect((await log(id)).length).toBe(2);
    }
  });
});

describe('errors of every test above', () => {
  it('no error holds the client secret or its Basic form, in any shape', () => {
    expect(errors.length).toBeGreaterThanOrEqual(5);
    const secrets = [SECRET, WRONG, ENCODED, WRONG_ENCODED];
    const forbidden = [
      ...secrets,
      ...secrets.map((s) => encodeURIComponent(s)),
      ...secrets.flatMap((s) =>
        Array.from({ length: serial }, (_, n) => `worker-${n + 1}`).flatMap((id) => [
          Buffer.from(`${id}:${s}`).toString('base64'),
          Buffer.from(`${id}:${encodeURIComponent(s)}`).toString('base64'),
        ]),
      ),
    ];
    for (const err of errors) {
      const texts = [err.message, JSON.stringify(err), inspect(err, { depth: 5 }), String(err.stack)];
      for (const text of texts) for (const secret of forbidden) expect(text).not.toContain(secret);
    }
  });
});
