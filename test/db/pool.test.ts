import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, inTransaction, type Pool } from '../../src/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('pool: PostgreSQL going away under a checked-out client', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    pool = createPool(db.url, 2);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('a connection killed between two queries of a transaction fails that transaction, not the process', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const attempt = inTransaction(pool, async (client) => {
        const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
        // What a restart does to an open transaction that is waiting for the next AFAS page.
        await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
        await sleep(300);
        await client.query('SELECT 1');
      });
      await expect(attempt).rejects.toThrow(/terminat|Connection|closed/i);
      expect(uncaught).toEqual([]);
      // The broken client is not handed out again.
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
