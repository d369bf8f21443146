// The budget's pure parts: environment keys, limits, and the waiting logic over an in-memory store.
import { describe, expect, it } from 'vitest';
import {
  EnvBudget,
  environmentKey,
  limitsByEnvironment,
  SourceLimits,
  type CallSlots,
} from '../../src/afas-budget/index.js';
import { AfasAbortError } from '../../src/afas/index.js';

/** afas_call_slots in memory, with the same rules (places below the limit, leases that expire). */
class MemorySlots implements CallSlots {
  readonly rows = new Map<string, { holder: string | null; until: number }[]>();
  now = () => Date.now();

  ensure(envKey: string) {
    if (!this.rows.has(envKey))
      this.rows.set(
        envKey,
        Array.from({ length: 5 }, () => ({ holder: null, until: 0 })),
      );
    return Promise.resolve();
  }

  tryAcquire(envKey: string, limit: number, holder: string, leaseMs: number) {
    const rows = this.rows.get(envKey) ?? [];
    const slot = rows.findIndex((row, i) => i < limit && (row.holder === null || row.until < this.now()));
    if (slot < 0) return Promise.resolve(null);
    rows[slot] = { holder, until: this.now() + leaseMs };
    return Promise.resolve(slot);
  }

  renew(envKey: string, slot: number, holder: string, leaseMs: number) {
    const row = this.rows.get(envKey)?.[slot];
    if (row?.holder !== holder) return Promise.resolve(false);
    row.until = this.now() + leaseMs;
    return Promise.resolve(true);
  }

  release(envKey: string, slot: number, holder: string) {
    const row = this.rows.get(envKey)?.[slot];
    if (row?.holder === holder) row.holder = null;
    return Promise.resolve();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A fixed limit, as SourceLimits.limitOf answers it. */
const limit = (n: number) => () => Promise.resolve(n);
const nothing = () => Promise.resolve(undefined);

describe('environmentKey', () => {
  it('names type, id and the resolved base URL', () => {
    const online = environmentKey({ environmentId: '12345', environmentType: 'production', baseUrl: null });
    expect(online).toBe('production:12345@https://12345.rest.afas.online/ProfitRestServices');
    // The default URL written out, with a trailing slash, is the same environment.
    expect(
      environmentKey({
        environmentId: '12345',
        environmentType: 'production',
        baseUrl: 'https://12345.rest.afas.online/ProfitRestServices/',
      }),
    ).toBe(online);
  });

  it('keeps environments apart that share a base URL but not an id or type', () => {
    const at = (environmentId: string, environmentType: 'test' | 'accept') =>
      environmentKey({ environmentId, environmentType, baseUrl: 'http://10.0.0.5:8080/ProfitRestServices' });
    expect(new Set([at('1', 'test'), at('2', 'test'), at('1', 'accept')]).size).toBe(3);
  });
});

describe('limitsByEnvironment', () => {
  const on = (environmentId: string, maxConcurrency: number, baseUrl: string | null = null) => ({
    environmentId,
    environmentType: 'test' as const,
    baseUrl,
    maxConcurrency,
  });

  it('is the smallest maxConcurrency of the sources on an environment, within 1..5', () => {
    const limits = limitsByEnvironment([on('1', 4), on('1', 2), on('1', 5), on('2', 9), on('3', 0)]);
    expect(limits.get(environmentKey(on('1', 0)))).toBe(2);
    expect(limits.get(environmentKey(on('2', 0)))).toBe(5);
    expect(limits.get(environmentKey(on('3', 0)))).toBe(1);
  });

  it('leaves out a source whose address no client could call', () => {
    expect(limitsByEnvironment([on('not-digits', 3), on('1', 3, 'ftp://x/')]).size).toBe(0);
  });
});

describe('SourceLimits', () => {
  it('reads the sources once per ttl, and at once for an environment not seen yet', async () => {
    let clock = 0;
    let reads = 0;
    const sources = [
      { environmentId: '1', environmentType: 'test' as const, baseUrl: null, maxConcurrency: 3 },
    ];
    const limits = new SourceLimits(
      () => {
        reads += 1;
        return Promise.resolve(sources);
      },
      10_000,
      () => clock,
    );
    const one = environmentKey(sources[0]!);
    expect(await limits.limitOf(one)).toBe(3);
    expect(await limits.limitOf(one)).toBe(3);
    expect(reads).toBe(1);
    sources.push({ environmentId: '2', environmentType: 'test', baseUrl: null, maxConcurrency: 2 });
    expect(await limits.limitOf(environmentKey(sources[1]!))).toBe(2);
    expect(reads).toBe(2);
    sources[0]!.maxConcurrency = 1;
    clock = 10_000;
    expect(await limits.limitOf(one)).toBe(1);
    expect(reads).toBe(3);
    // Gone from the sources: the safe side.
    expect(await limits.limitOf('test:9@http://nowhere')).toBe(1);
  });
});

describe('EnvBudget', () => {
  const KEY = 'test:1@http://127.0.0.1:1/ProfitRestServices';

  it('never runs more than the limit at once, over many callers', async () => {
    const slots = new MemorySlots();
    const budget = new EnvBudget({ slots, limitOf: limit(3), pollMs: { firstMs: 1, maxMs: 5 } });
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        budget.withCall(KEY, undefined, async () => {
          running += 1;
          most = Math.max(most, running);
          await sleep(5);
          running -= 1;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(3);
    expect(slots.rows.get(KEY)?.every((row) => row.holder === null)).toBe(true);
  });

  it('frees the place when the call fails', async () => {
    const slots = new MemorySlots();
    const budget = new EnvBudget({ slots, limitOf: limit(1) });
    await expect(
      budget.withCall(KEY, undefined, () => Promise.reject(new Error('AFAS said no'))),
    ).rejects.toThrow('AFAS said no');
    expect(await budget.withCall(KEY, undefined, () => Promise.resolve('next'))).toBe('next');
  });

  it('stops waiting when the signal aborts, without calling', async () => {
    const slots = new MemorySlots();
    // Pauses far longer than the test: only the abort itself can end the wait in time.
    const budget = new EnvBudget({ slots, limitOf: limit(1), pollMs: { firstMs: 5_000, maxMs: 5_000 } });
    let release!: () => void;
    const holding = budget.withCall(
      KEY,
      undefined,
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    await sleep(5);
    const controller = new AbortController();
    let called = false;
    const waiting = budget.withCall(KEY, controller.signal, () => {
      called = true;
      return Promise.resolve();
    });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    await expect(waiting).rejects.toBeInstanceOf(AfasAbortError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(called).toBe(false);
    release();
    await holding;
  });

  it('takes over a place whose holder stopped renewing once its lease runs out', async () => {
    const slots = new MemorySlots();
    await slots.ensure(KEY);
    // A crashed worker's place: taken, never renewed.
    expect(await slots.tryAcquire(KEY, 1, 'crashed', 1_000)).toBe(0);
    const budget = new EnvBudget({ slots, limitOf: limit(1), pollMs: { firstMs: 20, maxMs: 50 } });
    const started = Date.now();
    await budget.withCall(KEY, undefined, nothing);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('renews the lease of a long call so no one else takes its place', async () => {
    const slots = new MemorySlots();
    const budget = new EnvBudget({ slots, limitOf: limit(1), leaseMs: 1_000 });
    let concurrent = 0;
    let most = 0;
    const call = async (ms: number) => {
      concurrent += 1;
      most = Math.max(most, concurrent);
      await sleep(ms);
      concurrent -= 1;
    };
    await Promise.all([
      budget.withCall(KEY, undefined, () => call(2_500)),
      sleep(50).then(() => budget.withCall(KEY, undefined, () => call(1))),
    ]);
    expect(most).toBe(1);
  });

  it('wakes a waiter of this process at once when a call frees a place', async () => {
    const slots = new MemorySlots();
    // Pauses far longer than the call: only the wake-up can make the second call quick.
    const budget = new EnvBudget({ slots, limitOf: limit(1), pollMs: { firstMs: 5_000, maxMs: 5_000 } });
    const first = budget.withCall(KEY, undefined, () => sleep(30));
    await sleep(5);
    const started = Date.now();
    await budget.withCall(KEY, undefined, nothing);
    await first;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
