// Where a sync collects the pages of one scope (an administration, the environment, a batch of
// booking days) before replacing it: an UNLOGGED table in `<schema>_stage`, one per attempt. Pages
// are COPYd in their own short statements, so no transaction (and no pool connection) is held
// while AFAS is paged; the scope is replaced from the stage in one short transaction, and readers
// never see half of it.
import { createHash, randomBytes } from 'node:crypto';
import type { EncodedPage } from '../codec/index.js';
import type { ResolvedDataset } from './dataset-schema.js';
import { copyPage, stageColumnsSql } from './dataset-writer.js';
import { ident, type Pool, type PoolClient } from './pool.js';

/** A stage older than this was left by a crashed or cancelled attempt (activities run ≤ 2 hours). */
const ORPHAN_AFTER_SECONDS = 6 * 60 * 60;
const NAME = /^s(\d+)_([0-9a-f]{12})_[0-9a-f]{8}$/;

/** Identifies the scope a stage is for: attempts at the same scope share the middle of its name. */
export interface StageScope {
  source: string;
  runId: string;
  dataset: string;
  administration: number;
  /** What else tells scopes of one run apart (e.g. the first booking day of a batch). */
  part: string;
}

export function stageSchema(schema: string): string {
  return `${schema}_stage`;
}

function scopeHash(scope: StageScope): string {
  return createHash('sha256')
    .update(JSON.stringify([scope.source, scope.runId, scope.dataset, scope.administration, scope.part]))
    .digest('hex')
    .slice(0, 12);
}

export class ScopeStage {
  /** Rows COPYd so far. */
  rows = 0;

  private constructor(
    private readonly pool: Pool,
    private readonly dataset: ResolvedDataset,
    /** Schema-qualified, quoted. */
    readonly table: string,
  ) {}

  /**
   * Creates the stage for one attempt at a scope. Stages of earlier attempts at the same scope,
   * and orphans of any scope, are dropped first.
   */
  static async create(
    pool: Pool,
    schema: string,
    dataset: ResolvedDataset,
    scope: StageScope,
  ): Promise<ScopeStage> {
    const stageSchemaName = stageSchema(schema);
    const hash = scopeHash(scope);
    const now = Math.floor(Date.now() / 1000);
    const existing = await pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [stageSchemaName],
    );
    for (const { name } of existing.rows) {
      const match = NAME.exec(name);
      if (!match) continue;
      if (match[2] === hash || now - Number(match[1]) > ORPHAN_AFTER_SECONDS)
        await pool.query(`DROP TABLE IF EXISTS ${ident(stageSchemaName)}.${ident(name)}`);
    }
    const name = `s${now}_${hash}_${randomBytes(4).toString('hex')}`;
    const table = `${ident(stageSchemaName)}.${ident(name)}`;
    await pool.query(`CREATE UNLOGGED TABLE ${table} (\n  ${stageColumnsSql(dataset)}\n)`);
    return new ScopeStage(pool, dataset, table);
  }

  /** COPYs one encoded page into the stage, in its own statement on a connection held only for it. */
  async add(page: EncodedPage): Promise<void> {
    if (page.rows === 0) return;
    const client = await this.pool.connect();
    try {
      await copyPage(client, this.table, this.dataset, page);
    } finally {
      client.release();
    }
    this.rows += page.rows;
  }

  /** Drops the stage: inside the transaction that replaced the scope, or on its own after a failure. */
  async drop(client?: PoolClient): Promise<void> {
    await (client ?? this.pool).query(`DROP TABLE IF EXISTS ${this.table}`);
  }
}
