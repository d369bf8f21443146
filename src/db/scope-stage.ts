// Where a sync collects the pages of one scope (an administration, the environment, a batch of
// booking days) before replacing it, so no transaction (and no pool connection) is held while AFAS
// is paged and the scope is replaced in one short transaction: readers never see half of it.
// A scope's COPY lines are held in the worker's memory while they fit a small budget (most scopes:
// a batch of booking days, an administration's master data), and written once, at the replace.
// A scope the table holds no row of (a first sync) moves to a file on the worker's disk once it
// holds FILE_AFTER_BYTES: its replace is one COPY straight into the table, each row written once.
// Any other scope that outgrows memory spills to an UNLOGGED table in `<schema>_stage`, one per
// attempt, its pages COPYd in their own short statements (the merge then reads it in PostgreSQL).
import { createHash, randomBytes } from 'node:crypto';
import type { EncodedPage } from '../codec/index.js';
import type { ResolvedDataset } from './dataset-schema.js';
import { copyPage, stageColumnsSql, type CopyLines } from './copy-lines.js';
import { ident, type Pool, type PoolClient } from './pool.js';
import { StageFile } from './stage-file.js';

/** A stage older than this was left by a crashed or cancelled attempt (activities run ≤ 2 hours). */
const ORPHAN_AFTER_SECONDS = 6 * 60 * 60;
const NAME = /^s(\d+)_([0-9a-f]{12})_[0-9a-f]{8}$/;

/**
 * COPY bytes one stage holds in memory before it spills, and all stages of the process together.
 * A batch of an incremental sync (a few booking days, an administration's master data) fits; a
 * first sync's batches (a twelfth of an administration's history each) outgrow any budget the
 * worker's memory target allows and spill anyway (to a file), so holding more of them buys
 * nothing. The process's budget is shared by every source's scopes in flight.
 */
export const HELD_BYTES_PER_STAGE = 8 * 1024 * 1024;
export const HELD_BYTES_PER_PROCESS = 32 * 1024 * 1024;
/**
 * A scope for a file moves there once it holds this much: its replace is one COPY straight into
 * the table whether the lines come from memory or from the file (in the page cache), so holding
 * more of it only costs the worker memory. A scope that stays smaller and within the memory
 * budgets never asks (no query for it).
 */
const FILE_AFTER_BYTES = 1024 * 1024;
let heldByProcess = 0;

function byteLength(chunk: string | Buffer): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
}

/** Identifies the scope a stage is for: attempts at the same scope share the middle of its name. */
export interface StageScope {
  source: string;
  runId: string;
  dataset: string;
  administration: number;
  /** What else tells scopes of one run apart (e.g. the first booking day of a batch). */
  part: string;
}

export interface ScopeStageOptions {
  /** COPY bytes held in memory before the stage spills (0: it spills from the first page). */
  heldBytes?: number;
  /**
   * Asked once, when the scope first holds more than FILE_AFTER_BYTES or outgrows memory: whether
   * the table holds no row of it, so the scope may spill to a file (see stage-file.ts). Unset: it
   * spills to a table.
   */
  spillToFile?: () => Promise<boolean>;
  /** Where stage files go (default: the OS's temporary directory). */
  fileDir?: string;
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
  /** Rows added so far. */
  rows = 0;
  /** Lines held in memory (copies: the encoded pages' buffers go back to their pool). */
  private held: (string | Buffer)[] = [];
  private heldBytes = 0;
  /** The stage table, once the scope spilled to one (schema-qualified, quoted). */
  private spilledTo: string | null = null;
  /** The stage file, once the scope spilled to one. */
  private file: StageFile | null = null;
  /** The answer of `spillToFile`, once asked. */
  private fileWanted: boolean | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly dataset: ResolvedDataset,
    private readonly tableName: string,
    private readonly options: ScopeStageOptions,
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
    options: ScopeStageOptions = {},
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
    return new ScopeStage(pool, dataset, `${ident(stageSchemaName)}.${ident(name)}`, options);
  }

  /** The stage table when the scope spilled to one, else null: the lines are in `lines`. */
  get table(): string | null {
    return this.spilledTo;
  }

  /** Whether the scope spilled to a file (its lines are then read back from it). */
  get inFile(): boolean {
    return this.file !== null;
  }

  /** All rows of the scope while `table` is null: held in memory, or read back from the file. */
  get lines(): CopyLines {
    if (this.spilledTo) return { rows: 0, chunks: [] };
    return this.file ? this.file.lines(this.rows) : { rows: this.rows, chunks: this.held };
  }

  /**
   * Adds one encoded page: held in memory while the budget allows, else written to the stage file
   * or COPYd into the stage table in its own statement on a connection held only for it. The page
   * is not read after.
   */
  async add(page: EncodedPage): Promise<void> {
    if (page.rows === 0) return;
    const bytes = page.chunks.reduce((sum, chunk) => sum + byteLength(chunk), 0);
    if (this.spilledTo === null && this.file === null) {
      const heldLimit = this.options.heldBytes ?? HELD_BYTES_PER_STAGE;
      // Checked after any await below as well: other stages of the process may have taken memory.
      const fits = () =>
        this.heldBytes + bytes <= heldLimit && heldByProcess + bytes <= HELD_BYTES_PER_PROCESS;
      if ((!fits() || this.heldBytes + bytes > FILE_AFTER_BYTES) && (await this.forFile()))
        await this.moveToFile();
      if (this.file === null) {
        if (fits()) {
          this.held.push(
            ...page.chunks.map((chunk) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk))),
          );
          this.heldBytes += bytes;
          heldByProcess += bytes;
          this.rows += page.rows;
          return;
        }
        await this.moveToTable();
      }
    }
    if (this.file) await this.file.append(page.chunks);
    else await this.copyToTable(page);
    this.rows += page.rows;
  }

  /** Whether the scope is for a file (spillToFile, asked once). */
  private async forFile(): Promise<boolean> {
    this.fileWanted ??= (await this.options.spillToFile?.()) === true;
    return this.fileWanted;
  }

  /**
   * Moves the lines held so far to a file. Where the directory takes none, the scope is no longer
   * for a file: it stays in memory while it fits, as any other scope.
   */
  private async moveToFile(): Promise<void> {
    const file = await StageFile.open(this.options.fileDir).catch(() => null);
    if (file === null) {
      this.fileWanted = false;
      return;
    }
    this.file = file;
    await file.append(this.held);
    this.forget();
  }

  /** Moves the lines held so far to a new stage table. */
  private async moveToTable(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query(`CREATE UNLOGGED TABLE ${this.tableName} (\n  ${stageColumnsSql(this.dataset)}\n)`);
      this.spilledTo = this.tableName;
      await copyPage(client, this.tableName, this.dataset, { rows: this.rows, chunks: this.held });
    } finally {
      client.release();
    }
    this.forget();
  }

  private async copyToTable(page: EncodedPage): Promise<void> {
    const client = await this.pool.connect();
    try {
      await copyPage(client, this.tableName, this.dataset, page);
    } finally {
      client.release();
    }
  }

  /** Drops the stage: inside the transaction that replaced the scope, or on its own after a failure. */
  async drop(client?: PoolClient): Promise<void> {
    this.forget();
    const file = this.file;
    this.file = null;
    await file?.close();
    if (this.spilledTo !== null) await (client ?? this.pool).query(`DROP TABLE IF EXISTS ${this.spilledTo}`);
  }

  private forget(): void {
    heldByProcess -= this.heldBytes;
    this.heldBytes = 0;
    this.held = [];
  }
}
