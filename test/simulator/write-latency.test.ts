// The answer latency of UpdateConnector writes: the benchmark's "AFAS sets the pace" setting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSimulator } from '../../src/simulator/index.js';
import { deleteEntry, memorialEntry, postEntry, postEntryNo } from './fi-entries-helpers.js';
import { afasGet, control, profitError, startSmallSimulator } from './helpers.js';

const LATENCY_MS = 400;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSmallSimulator({ updateLatencyMs: LATENCY_MS });
});

afterAll(async () => {
  await sim.close();
});

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

describe('update latency (option updateLatencyMs, /__sim/update-latency)', () => {
  it('answers every FiEntries write no sooner than the latency after it arrived, errors included', async () => {
    expect((await control<{ ms: number }>(sim, 'GET', '/update-latency')).body).toEqual({ ms: LATENCY_MS });
    const post = await timed(() => postEntryNo(sim, memorialEntry({ voucherNo: 'LAT-1' })));
    expect(post.ms).toBeGreaterThanOrEqual(LATENCY_MS - 5);
    const removal = await timed(() => deleteEntry(sim, post.value));
    expect(removal.value.status).toBe(200);
    expect(removal.ms).toBeGreaterThanOrEqual(LATENCY_MS - 5);
    const refused = await timed(() => postEntry(sim, memorialEntry({ header: { JoCo: '99' } })));
    expect(refused.value.status).toBe(500);
    expect(profitError(refused.value).externalMessage).toContain('Dagboek');
    expect(refused.ms).toBeGreaterThanOrEqual(LATENCY_MS - 5);
  });

  it('lets concurrent writes overlap instead of queueing them', async () => {
    await control(sim, 'DELETE', '/concurrency');
    const calls = 8;
    const batch = await timed(() =>
      Promise.all(
        Array.from({ length: calls }, (_, i) => postEntry(sim, memorialEntry({ voucherNo: `LAT-PAR-${i}` }))),
      ),
    );
    expect(batch.value.map((result) => result.status)).toEqual(Array.from({ length: calls }, () => 201));
    expect(batch.ms).toBeGreaterThanOrEqual(LATENCY_MS - 5);
    // Serialized they would take calls × latency (3.2 s); overlapping about one latency.
    expect(batch.ms).toBeLessThan(3 * LATENCY_MS);
    expect((await control<{ max: number }>(sim, 'GET', '/concurrency')).body.max).toBe(calls);
  });

  it('leaves GetConnectors alone, and can be changed or switched off at runtime', async () => {
    const read = await timed(() => afasGet(sim, '/connectors/Profit_Accounts?take=1'));
    expect(read.value.status).toBe(200);
    expect(read.ms).toBeLessThan(LATENCY_MS);
    expect((await control(sim, 'POST', '/update-latency', { ms: 0 })).body).toEqual({ ms: 0 });
    const fast = await timed(() => postEntry(sim, memorialEntry({})));
    expect(fast.value.status).toBe(201);
    expect(fast.ms).toBeLessThan(LATENCY_MS);
    expect((await control(sim, 'POST', '/update-latency', { ms: 900 })).body).toEqual({ ms: 900 });
    expect((await timed(() => postEntry(sim, memorialEntry({})))).ms).toBeGreaterThanOrEqual(895);
    expect((await control(sim, 'POST', '/update-latency', { ms: -1 })).status).toBe(400);
    expect((await control(sim, 'POST', '/update-latency', { ms: 1.5 })).status).toBe(400);
    await control(sim, 'POST', '/update-latency', { ms: LATENCY_MS });
  });
});
