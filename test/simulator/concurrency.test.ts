// The simulator's gauge of concurrent connector calls (what AFAS's per-environment limit is about).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { afasGet, control, startSmallSimulator } from './helpers.js';
import { basicAuth, postToken } from './oauth-helpers.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSmallSimulator({ oauthClients: [{ clientId: 'gauge', clientSecret: 'gauge-secret' }] });
});

afterAll(async () => {
  await sim.close();
});

type Gauge = { inFlight: number; max: number };
const gauge = async () => (await control<Gauge>(sim, 'GET', '/concurrency')).body;
const ACCOUNTS = '/connectors/Profit_Accounts?take=5&orderbyfieldids=Account';

describe('GET /__sim/concurrency', () => {
  it('counts connector calls answered at once, and forgets the most on DELETE', async () => {
    await control(sim, 'DELETE', '/concurrency');
    await control(sim, 'POST', '/faults', { kind: 'slow', delayMs: 400, count: 3 });
    const calls = [1, 2, 3].map(() => afasGet(sim, ACCOUNTS));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await gauge()).toEqual({ inFlight: 3, max: 3 });
    expect((await Promise.all(calls)).map((call) => call.status)).toEqual([200, 200, 200]);
    expect(await gauge()).toEqual({ inFlight: 0, max: 3 });
    // One at a time after a reset: the most is 1.
    expect((await control<Gauge>(sim, 'DELETE', '/concurrency')).body).toEqual({ inFlight: 0, max: 3 });
    await afasGet(sim, ACCOUNTS);
    await afasGet(sim, ACCOUNTS);
    expect(await gauge()).toEqual({ inFlight: 0, max: 1 });
  });

  it('does not count OAuth token requests or control calls', async () => {
    await control(sim, 'DELETE', '/concurrency');
    await control(sim, 'POST', '/faults', { kind: 'slow', delayMs: 300, count: 2, endpoint: 'token' });
    const tokens = [1, 2].map(() =>
      postToken(sim, 'grant_type=client_credentials', { authorization: basicAuth('gauge', 'gauge-secret') }),
    );
    expect((await gauge()).max).toBe(0);
    expect((await Promise.all(tokens)).map((answer) => answer.status)).toEqual([200, 200]);
    expect(await gauge()).toEqual({ inFlight: 0, max: 0 });
  });

  it('refuses other methods', async () => {
    expect((await control(sim, 'POST', '/concurrency')).status).toBe(405);
  });
});
