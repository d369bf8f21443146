// The call budget over real PostgreSQL: the limit across many callers on separate connections,
// a dead holder's place taken over when its lease runs out, and what a place costs.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvBudget, PgCallSlots } from '../../src/afas-budget/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const KEY = 'test:1@http://127.0.0.1:1/ProfitRestServices';
const limit = (n: number) => () => Promise.resolve(n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PgCallSlots', () => {
  let db: TestDatabase;
  let slots: PgCallSlots;

  beforeAll(async () => {
    db = await createTestDatabase();
    slots = new PgCallSlots(db.pool, db.schema);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const holders = async (envKey: string) =>
    (
      await db.pool.query<{ holder: string | null }>(
        `SELECT holder FROM afas.afas_call_slots WHERE env_key = $1 ORDER BY slot`,
        [envKey],
      )
    ).rows.map((row) => row.holder);

  it('holds the limit across budgets racing on separate connections', async () => {
    const key = `${KEY}/race`;
    // Three budgets: three worker processes as far as PostgreSQL can tell.
    const budgets = [1, 2, 3].map(
      () => new EnvBudget({ slots, limitOf: limit(2), pollMs: { firstMs: 1, maxMs: 10 } }),
    );
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        budgets[i % 3]!.withCall(key, undefined, async () => {
          running += 1;
          most = Math.max(most, running);
          await sleep(10);
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(await holders(key)).toEqual([null, null, null, null, null]);
  });

  it("takes over a dead holder's place once its lease has run out, not before", async () => {
    const key = `${KEY}/dead`;
    await slots.ensure(key);
    expect(await slots.tryAcquire(key, 1, 'dead-worker#1', 1_000)).toBe(0);
    expect(await slots.tryAcquire(key, 1, 'live-worker#1', 30_000)).toBeNull();
    // A renewal by someone else does not extend it; a release by someone else does not free it.
    expect(await slots.renew(key, 0, 'live-worker#1', 30_000)).toBe(false);
    await slots.release(key, 0, 'live-worker#1');
    expect(await slots.tryAcquire(key, 1, 'live-worker#1', 30_000)).toBeNull();
    await sleep(1_100);
    expect(await slots.tryAcquire(key, 1, 'live-worker#1', 30_000)).toBe(0);
    // The dead holder coming back cannot free the place it lost.
    await slots.release(key, 0, 'dead-worker#1');
    expect((await holders(key))[0]).toBe('live-worker#1');
  });

  it('costs well under a millisecond or two per call when the place is free', async () => {
    const budget = new EnvBudget({ slots, limitOf: limit(4) });
    const key = `${KEY}/cost`;
    await budget.withCall(key, undefined, () => Promise.resolve()); // rows created, pool warm
    const calls = 300;
    const started = performance.now();
    for (let i = 0; i < calls; i++) await budget.withCall(key, undefined, () => Promise.resolve());
    const perCall = (performance.now() - started) / calls;
    // Take + free: two autocommit UPDATEs on a warm pool (about 1.5 ms on this busy 2-core machine).
    console.log(`AFAS call budget: ${perCall.toFixed(3)} ms per call (take + free a place)`);
    expect(perCall).toBeLessThan(5);
  });
});
