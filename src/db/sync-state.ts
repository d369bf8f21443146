import type pg from 'pg';
import { ident } from './pool.js';

export interface SyncStateRow {
  watermark: string | null;
  cursor: Record<string, unknown> | null;
  runsSinceReconcile: number;
  /** The last whole read of the scope (deletes checked); null before the first. */
  reconcile: { rows: number; secondsAgo: number } | null;
}

/** When a scope's deletes were last checked: its last whole read, or (changed days) its last day replace. */
export interface DeleteCheck {
  dataset: string;
  administration: number;
  lastReconciledAt: Date | null;
  updatedAt: Date;
}

interface StateColumns {
  watermark: string | null;
  cursor: Record<string, unknown> | null;
  runs_since_reconcile: number;
  reconciled_rows: string | null;
  /** Seconds since last_reconciled_at by the database's clock (the one that wrote it). */
  reconciled_seconds_ago: number | null;
}

const STATE_COLUMNS = `watermark, cursor, runs_since_reconcile, reconciled_rows,
  extract(epoch FROM now() - last_reconciled_at)::float8 AS reconciled_seconds_ago`;

function toState(row: StateColumns): SyncStateRow {
  return {
    watermark: row.watermark,
    cursor: row.cursor,
    runsSinceReconcile: row.runs_since_reconcile,
    reconcile:
      row.reconciled_rows === null || row.reconciled_seconds_ago === null
        ? null
        : { rows: Number(row.reconciled_rows), secondsAgo: row.reconciled_seconds_ago },
  };
}

/** Incremental position per (source, dataset, administration); 0 = environment-wide. */
export class SyncStateStore {
  private readonly table: string;
  private readonly admins: string;

  constructor(schema: string) {
    this.table = `${ident(schema)}.sync_state`;
    this.admins = `${ident(schema)}.source_administrations`;
  }

  async get(
    db: pg.ClientBase | pg.Pool,
    source: string,
    dataset: string,
    administration: number,
  ): Promise<SyncStateRow> {
    const result = await db.query<StateColumns>(
      `SELECT ${STATE_COLUMNS} FROM ${this.table} WHERE source = $1 AND dataset = $2 AND administration = $3`,
      [source, dataset, administration],
    );
    const row = result.rows[0];
    return row ? toState(row) : { watermark: null, cursor: null, runsSinceReconcile: 0, reconcile: null };
  }

  async all(
    db: pg.ClientBase | pg.Pool,
    source: string,
    dataset: string,
  ): Promise<Map<number, SyncStateRow>> {
    const result = await db.query<StateColumns & { administration: number }>(
      `SELECT administration, ${STATE_COLUMNS} FROM ${this.table} WHERE source = $1 AND dataset = $2`,
      [source, dataset],
    );
    return new Map(result.rows.map((row) => [row.administration, toState(row)]));
  }

  /** Every scope of a source with when its deletes were last checked (for `afas-sync status`). */
  async deleteChecks(db: pg.ClientBase | pg.Pool, source: string): Promise<DeleteCheck[]> {
    const result = await db.query<{
      dataset: string;
      administration: number;
      last_reconciled_at: Date | null;
      updated_at: Date;
    }>(
      `SELECT dataset, administration, last_reconciled_at, updated_at FROM ${this.table}
        WHERE source = $1 ORDER BY dataset, administration`,
      [source],
    );
    return result.rows.map((row) => ({
      dataset: row.dataset,
      administration: row.administration,
      lastReconciledAt: row.last_reconciled_at,
      updatedAt: row.updated_at,
    }));
  }

  /**
   * Writes state fields given (others untouched). Call inside the transaction that committed the
   * matching rows so a crash can never leave the watermark ahead of the data.
   */
  async put(
    db: pg.ClientBase | pg.Pool,
    key: { source: string; dataset: string; administration: number },
    state: {
      watermark?: string | null;
      cursor?: Record<string, unknown> | null;
      runsSinceReconcile?: number;
      runId?: string;
      /** The scope was just read whole (deletes marked) and AFAS returned this many rows. */
      reconciledRows?: number;
    },
  ): Promise<void> {
    await db.query(
      `INSERT INTO ${this.table} AS s (source, dataset, administration, watermark, cursor, runs_since_reconcile,
         last_run_id, last_reconciled_at, reconciled_rows)
       VALUES ($1, $2, $3, $4, $5::jsonb, coalesce($6, 0), $7, CASE WHEN $10::bigint IS NULL THEN NULL ELSE now() END, $10)
       ON CONFLICT (source, dataset, administration) DO UPDATE SET
         watermark = CASE WHEN $8 THEN EXCLUDED.watermark ELSE s.watermark END,
         cursor = CASE WHEN $9 THEN EXCLUDED.cursor ELSE s.cursor END,
         runs_since_reconcile = coalesce($6, s.runs_since_reconcile),
         last_run_id = coalesce(EXCLUDED.last_run_id, s.last_run_id),
         last_reconciled_at = coalesce(EXCLUDED.last_reconciled_at, s.last_reconciled_at),
         reconciled_rows = coalesce(EXCLUDED.reconciled_rows, s.reconciled_rows),
         updated_at = now()`,
      [
        key.source,
        key.dataset,
        key.administration,
        state.watermark ?? null,
        state.cursor === undefined || state.cursor === null ? null : JSON.stringify(state.cursor),
        state.runsSinceReconcile ?? null,
        state.runId ?? null,
        state.watermark !== undefined,
        state.cursor !== undefined,
        state.reconciledRows ?? null,
      ],
    );
  }

  async setAdministrations(
    db: pg.ClientBase | pg.Pool,
    source: string,
    administrations: { id: number; name: string | null }[],
  ) {
    await db.query(`DELETE FROM ${this.admins} WHERE source = $1 AND NOT (administration = ANY($2::int[]))`, [
      source,
      administrations.map((admin) => admin.id),
    ]);
    for (const admin of administrations) {
      await db.query(
        `INSERT INTO ${this.admins} (source, administration, name) VALUES ($1, $2, $3)
         ON CONFLICT (source, administration) DO UPDATE SET name = EXCLUDED.name, discovered_at = now()`,
        [source, admin.id, admin.name],
      );
    }
  }

  async administrations(db: pg.ClientBase | pg.Pool, source: string): Promise<number[]> {
    const result = await db.query<{ administration: number }>(
      `SELECT administration FROM ${this.admins} WHERE source = $1 ORDER BY administration`,
      [source],
    );
    return result.rows.map((row) => row.administration);
  }
}

/** A run's planned batch of one dataset and administration (see migration 0010). */
/** A booking day and the changed-days stamp it is replaced for. */
export interface PlannedDay {
  day: string;
  modified: string;
}

export interface DayBatchKey {
  runId: string;
  dataset: string;
  administration: number;
}

/**
 * Booking days replaced per administration, keyed by the changed-days `Modified` they covered;
 * and the day batches a run plans to replace, kept here so they never travel through Temporal.
 */
export class ChangedDaysStore {
  private readonly table: string;
  private readonly plans: string;
  private readonly runs: string;

  constructor(schema: string) {
    this.table = `${ident(schema)}.changed_days_done`;
    this.plans = `${ident(schema)}.changed_day_plans`;
    this.runs = `${ident(schema)}.sync_runs`;
  }

  /**
   * Stores a run's plan of one dataset: per administration its batches, numbered from 1. Replaces
   * whatever an earlier attempt of the same plan stored (two statements, so the new rows never
   * meet the old ones' keys; a crash between them leaves nothing the retry does not clear).
   */
  async savePlan(
    db: pg.ClientBase | pg.Pool,
    key: Omit<DayBatchKey, 'administration'>,
    plan: readonly { administration: number; batches: readonly (readonly PlannedDay[])[] }[],
  ): Promise<void> {
    await db.query(`DELETE FROM ${this.plans} WHERE run_id = $1 AND dataset = $2`, [key.runId, key.dataset]);
    if (plan.every((admin) => admin.batches.length === 0)) return;
    await db.query(
      `INSERT INTO ${this.plans} (run_id, dataset, administration, batch, days)
       SELECT $1, $2, (a.admin ->> 'administration')::int, b.ordinality, b.days
         FROM jsonb_array_elements($3::jsonb) AS a(admin)
        CROSS JOIN LATERAL jsonb_array_elements(a.admin -> 'batches') WITH ORDINALITY AS b(days, ordinality)`,
      [key.runId, key.dataset, JSON.stringify(plan)],
    );
  }

  /** The days of one planned batch; undefined when the plan holds no such batch. */
  async planBatch(
    db: pg.ClientBase | pg.Pool,
    key: DayBatchKey & { batch: number },
  ): Promise<PlannedDay[] | undefined> {
    const result = await db.query<{ days: unknown }>(
      `SELECT days FROM ${this.plans} WHERE run_id = $1 AND dataset = $2 AND administration = $3 AND batch = $4`,
      [key.runId, key.dataset, key.administration, key.batch],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    if (!Array.isArray(row.days) || !row.days.every(isPlannedDay))
      throw new Error(
        `changed_day_plans row ${key.runId}/${key.dataset}/${key.administration}/${key.batch} is not a list of {day, modified}`,
      );
    return row.days;
  }

  /** Drops an administration's plan of a run (its days are all replaced, the watermark moved). */
  async clearPlan(db: pg.ClientBase | pg.Pool, key: DayBatchKey): Promise<void> {
    await db.query(`DELETE FROM ${this.plans} WHERE run_id = $1 AND dataset = $2 AND administration = $3`, [
      key.runId,
      key.dataset,
      key.administration,
    ]);
  }

  /** Drops what runs of the source left behind that are no longer running (failed, cancelled, crashed). */
  async clearEndedPlans(db: pg.ClientBase | pg.Pool, source: string): Promise<void> {
    await db.query(
      `DELETE FROM ${this.plans} p USING ${this.runs} r
        WHERE p.run_id = r.run_id AND r.source = $1 AND r.status <> 'running'`,
      [source],
    );
  }

  async done(
    db: pg.ClientBase | pg.Pool,
    source: string,
    dataset: string,
    administration: number,
    days: readonly string[],
  ) {
    const result = await db.query<{ day: string; modified: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, modified FROM ${this.table}
        WHERE source = $1 AND dataset = $2 AND administration = $3 AND day = ANY($4::date[])`,
      [source, dataset, administration, days],
    );
    return new Map(result.rows.map((row) => [row.day, row.modified]));
  }

  /** How many booking days of a dataset were replaced at or after `since` (ISO 8601). */
  async countReplacedSince(
    db: pg.ClientBase | pg.Pool,
    source: string,
    dataset: string,
    since: string,
  ): Promise<number> {
    const result = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.table} WHERE source = $1 AND dataset = $2 AND replaced_at >= $3`,
      [source, dataset, since],
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  async record(
    db: pg.ClientBase,
    key: { source: string; dataset: string; administration: number },
    days: readonly { day: string; modified: string }[],
  ): Promise<void> {
    if (days.length === 0) return;
    await db.query(
      `INSERT INTO ${this.table} (source, dataset, administration, day, modified)
       SELECT $1, $2, $3, d.day, d.modified FROM unnest($4::date[], $5::text[]) AS d(day, modified)
       ON CONFLICT (source, dataset, administration, day) DO UPDATE SET modified = EXCLUDED.modified, replaced_at = now()`,
      [key.source, key.dataset, key.administration, days.map((d) => d.day), days.map((d) => d.modified)],
    );
  }
}

function isPlannedDay(value: unknown): value is PlannedDay {
  if (typeof value !== 'object' || value === null) return false;
  const { day, modified } = value as Record<string, unknown>;
  return typeof day === 'string' && typeof modified === 'string';
}
