import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSimulator } from '../../src/simulator/index.js';
import { afasGet, authHeaders, control, http, profitError, startSmallSimulator } from './helpers.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSmallSimulator();
});

afterEach(async () => {
  await control(sim, 'DELETE', '/faults');
});

afterAll(async () => {
  await sim.close();
});

async function addFault(rule: Record<string, unknown>): Promise<void> {
  const result = await control(sim, 'POST', '/faults', rule);
  expect(result.status).toBe(201);
}

const ACCOUNTS = '/connectors/Profit_Accounts?take=5&orderbyfieldids=Account';

describe('injected faults', () => {
  it('locked: a retryable 500 mentioning the lock, in both languages', async () => {
    await addFault({ kind: 'locked', count: 2 });
    const nl = await afasGet(sim, ACCOUNTS);
    expect(nl.status).toBe(500);
    expect(profitError(nl).externalMessage).toContain('geblokkeerd door een andere gebruiker');
    const en = await afasGet(sim, ACCOUNTS, authHeaders('demo', 'en-us'));
    expect(profitError(en).externalMessage).toContain('locked by another user');
    expect((await afasGet(sim, ACCOUNTS)).status).toBe(200);
  });

  it('unavailable: 503 maintenance body with retry_after and Retry-After, even before auth', async () => {
    await addFault({ kind: 'unavailable', retryAfterSeconds: 7200, count: 1 });
    const result = await afasGet(sim, ACCOUNTS, {});
    expect(result.status).toBe(503);
    expect(result.headers['retry-after']).toBe('7200');
    expect(JSON.parse(result.text)).toEqual({
      error: {
        code: '503',
        message:
          'Service temporarily unavailable due to scheduled maintenance. Please check afasstatus.nl for details.',
      },
      retry_after: 7200,
    });
  });

  it('slow: delays the answer', async () => {
    await addFault({ kind: 'slow', delayMs: 300, count: 1 });
    const started = performance.now();
    const result = await afasGet(sim, ACCOUNTS);
    expect(result.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('reset: drops the connection halfway through the response', async () => {
    await addFault({ kind: 'reset', count: 1 });
    await expect(
      (async () => {
        const response = await request(`${sim.baseUrl}/connectors/Profit_Transactions?take=500`, {
          headers: authHeaders(),
        });
        await response.body.text();
      })(),
    ).rejects.toThrow();
    expect((await afasGet(sim, ACCOUNTS)).status).toBe(200);
  });

  it('malformed-json: 200 with a truncated body', async () => {
    await addFault({ kind: 'malformed-json', count: 1 });
    const result = await afasGet(sim, ACCOUNTS);
    expect(result.status).toBe(200);
    expect(() => JSON.parse(result.text) as unknown).toThrow();
    expect(result.text.startsWith('{"skip":0,"take":5,"rows":[')).toBe(true);
  });

  it('blocked, timeout-message, out-of-memory and unexpected: 500 with their texts', async () => {
    const expectations: [string, string][] = [
      ['blocked', 'This GetConnector (definition) is blocked'],
      ['timeout-message', 'The maximum duration for performing the assignment has been exceeded.'],
      ['out-of-memory', 'Out of memory'],
      ['unexpected', 'An unexpected error has occurred.'],
    ];
    for (const [kind, message] of expectations) {
      await addFault({ kind, count: 1 });
      const result = await afasGet(sim, ACCOUNTS, authHeaders('demo', 'en-us'));
      expect(result.status, kind).toBe(500);
      expect(profitError(result).externalMessage).toBe(message);
      expect(Buffer.from(String(result.headers['x-profit-error']), 'base64').toString()).toBe(message);
    }
    await addFault({ kind: 'blocked', count: 1 });
    expect(profitError(await afasGet(sim, ACCOUNTS)).externalMessage).toBe(
      'Deze GetConnector (definitie) is geblokkeerd',
    );
  });

  it('scopes a rule to one connector and to the next N calls', async () => {
    await addFault({ kind: 'unexpected', connector: 'Profit_Debtor', count: 2 });
    expect((await afasGet(sim, ACCOUNTS)).status).toBe(200);
    expect((await afasGet(sim, '/connectors/Profit_Debtor?take=1')).status).toBe(500);
    expect((await afasGet(sim, '/connectors/Profit_Debtor?take=1')).status).toBe(500);
    expect((await afasGet(sim, '/connectors/Profit_Debtor?take=1')).status).toBe(200);
  });

  it('fires on a deterministic fraction of calls', async () => {
    await addFault({ kind: 'unexpected', fraction: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await afasGet(sim, ACCOUNTS)).status);
    const failures = statuses.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
    const listed = await control<{ faults: { matched: number; fired: number }[] }>(sim, 'GET', '/faults');
    expect(listed.body.faults[0]).toMatchObject({ matched: 40, fired: failures });
  });

  it('applies Profit faults only after authentication', async () => {
    await addFault({ kind: 'locked' });
    const result = await afasGet(sim, ACCOUNTS, {});
    expect(result.status).toBe(401);
  });

  it('applies to FiEntries posts too (booking layout locked)', async () => {
    await addFault({ kind: 'locked', connector: 'FiEntries', count: 1 });
    const result = await http(`${sim.baseUrl}/connectors/FiEntries`, {
      method: 'POST',
      headers: { ...authHeaders(), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(result.status).toBe(500);
    expect(profitError(result).externalMessage).toContain('boekingslay-out is geblokkeerd');
  });

  it('lists, removes and clears rules, and validates them', async () => {
    await addFault({ kind: 'slow', delayMs: 1 });
    await addFault({ kind: 'blocked', connector: 'Profit_Journals' });
    const listed = await control<{ faults: { id: number; kind: string }[] }>(sim, 'GET', '/faults');
    expect(listed.body.faults.map((f) => f.kind)).toEqual(['slow', 'blocked']);
    const first = listed.body.faults[0]!.id;
    expect((await control(sim, 'DELETE', `/faults/${first}`)).status).toBe(200);
    expect((await control<{ removed: number }>(sim, 'DELETE', '/faults')).body.removed).toBe(1);
    const invalid = await control<{ error: string }>(sim, 'POST', '/faults', { kind: 'explode' });
    expect(invalid.status).toBe(400);
    const badFraction = await control(sim, 'POST', '/faults', { kind: 'locked', fraction: 2 });
    expect(badFraction.status).toBe(400);
  });
});
