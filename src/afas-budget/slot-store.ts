// The places of every environment's call budget, in PostgreSQL (table afas_call_slots). Every
// statement is one short autocommit round trip: no transaction, and no pool connection, is held
// while the AFAS call itself runs.
import type { Pool } from '../db/pool.js';
import { ident } from '../db/pool.js';
import { MAX_CALLS_PER_ENVIRONMENT } from './env-key.js';

/** What the budget needs from its store (an interface so the waiting logic can be unit-tested). */
export interface CallSlots {
  /** Makes sure the environment's places exist (idempotent). */
  ensure(envKey: string): Promise<void>;
  /** Takes a free (or expired) place below `limit` for `holder`; null when all are taken. */
  tryAcquire(envKey: string, limit: number, holder: string, leaseMs: number): Promise<number | null>;
  /** Extends the holder's lease; false when the place is no longer the holder's. */
  renew(envKey: string, slot: number, holder: string, leaseMs: number): Promise<boolean>;
  /** Frees the place if the holder still has it. */
  release(envKey: string, slot: number, holder: string): Promise<void>;
}

export class PgCallSlots implements CallSlots {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.table = `${ident(schema)}.afas_call_slots`;
  }

  async ensure(envKey: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} (env_key, slot)
       SELECT $1, slot FROM generate_series(0, $2 - 1) AS slot
       ON CONFLICT DO NOTHING`,
      [envKey, MAX_CALLS_PER_ENVIRONMENT],
    );
  }

  /**
   * SKIP LOCKED: two workers racing for the same free place do not queue behind each other's row
   * lock; the loser takes the next free place or sees none. The scalar subquery runs once, so at
   * most one row is updated. clock_timestamp(), not now(): the statement's own moment.
   */
  async tryAcquire(envKey: string, limit: number, holder: string, leaseMs: number): Promise<number | null> {
    const result = await this.pool.query<{ slot: number }>(
      `UPDATE ${this.table}
          SET holder = $3, lease_until = clock_timestamp() + $4 * interval '1 millisecond'
        WHERE (env_key, slot) = (
          SELECT env_key, slot FROM ${this.table}
           WHERE env_key = $1 AND slot < $2 AND (holder IS NULL OR lease_until < clock_timestamp())
           ORDER BY slot
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
        RETURNING slot`,
      [envKey, limit, holder, leaseMs],
    );
    return result.rows[0]?.slot ?? null;
  }

  async renew(envKey: string, slot: number, holder: string, leaseMs: number): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE ${this.table} SET lease_until = clock_timestamp() + $4 * interval '1 millisecond'
        WHERE env_key = $1 AND slot = $2 AND holder = $3`,
      [envKey, slot, holder, leaseMs],
    );
    return result.rowCount === 1;
  }

  async release(envKey: string, slot: number, holder: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.table} SET holder = NULL, lease_until = NULL
        WHERE env_key = $1 AND slot = $2 AND holder = $3`,
      [envKey, slot, holder],
    );
  }
}
