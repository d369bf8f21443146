import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatasetSchemaError,
  ensureDatasetTable,
  resolveDataset,
  type FieldSpec,
} from '../../src/db/dataset-schema.js';
import { encodePage, RowDataError, type RawRow } from '../../src/codec/index.js';
import { DatasetWriter } from '../../src/db/dataset-writer.js';
import { DuplicateKeyError } from '../../src/db/write-errors.js';
import { MassDeleteError, type MassDeleteGuard } from '../../src/db/mass-delete.js';
import { inTransaction, type Pool } from '../../src/db/pool.js';
import { ScopeStage } from '../../src/db/scope-stage.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { journalLinesDefinition } from '../helpers/journal-lines.js';

const definition = journalLinesDefinition;

const HOSTILE = 'a"; drop table x; --';
const fields: FieldSpec[] = [
  { id: 'UnitId', dataType: 'int' },
  { id: 'EntryNo', dataType: 'int' },
  { id: 'SeqNo', dataType: 'int' },
  { id: 'AmtDebit', dataType: 'decimal' },
  { id: 'EntryDate', dataType: 'date' },
  { id: 'Modified', dataType: 'date' },
  { id: 'Btw-nummer', dataType: 'string' },
  { id: HOSTILE, dataType: 'string' },
  { id: 'Blocked', dataType: 'boolean' },
  { id: 'Attachment', dataType: 'blob' },
];

function line(entry: number, seq: number, extra: Partial<Record<string, RawRow[string]>> = {}): RawRow {
  return {
    UnitId: 1,
    EntryNo: entry,
    SeqNo: seq,
    AmtDebit: 10.5,
    EntryDate: '2024-03-31T00:00:00Z',
    Modified: '2024-03-31T02:30:00Z',
    'Btw-nummer': 'NL001',
    [HOSTILE]: 'tab\there\\ and "quotes"\nnewline',
    Blocked: false,
    Attachment: 'bytes',
    ...extra,
  };
}

/** Parsed rows as a page the encoder takes (the path for rows the scanner refuses). */
function parsedPage(rows: RawRow[]) {
  return { scanned: null, plain: false, rowCount: rows.length, parse: () => rows };
}

let stages = 0;

/**
 * A sync's write of one scope: every page encoded and COPYd into a stage of its own, then one
 * transaction that marks what vanished (for `days`) and merges.
 */
async function replaceScope(
  pool: Pool,
  schema: string,
  resolved: ReturnType<typeof resolveDataset>,
  pages: RawRow[][],
  options: { days?: string[]; runId?: string; rewrite?: boolean } = {},
) {
  const context = { source: 'src', runId: options.runId ?? 'run-1' };
  const stage = await ScopeStage.create(
    pool,
    schema,
    resolved,
    {
      ...context,
      dataset: resolved.definition.name,
      administration: 1,
      part: String((stages += 1)),
    },
    { heldBytes: 0 },
  );
  try {
    for (const rows of pages)
      await stage.add(encodePage(resolved, context, parsedPage(rows), { page: 0, administration: 1 }));
    return await inTransaction(pool, async (client) => {
      const writer = new DatasetWriter(client, schema, resolved, context, {
        rewrite: options.rewrite === true,
      });
      const deleted = options.days
        ? await writer.markMissingDeleted(stageTable(stage), {
            administrations: [1],
            entryDays: options.days,
          })
        : 0;
      const merged = await writer.merge(stageTable(stage), stage.rows);
      await stage.drop(client);
      return { ...merged, deleted };
    });
  } finally {
    await stage.drop();
  }
}

function stageTable(stage: ScopeStage): string {
  if (stage.table === null) throw new Error('expected the stage to have spilled to a table');
  return stage.table;
}

describe('dataset writer (COPY → stage → merge)', () => {
  let db: TestDatabase;
  const resolved = resolveDataset(definition, 'Profit_Transactions', fields);
  const write = (rows: RawRow[], options: { days?: string[]; runId?: string; rewrite?: boolean } = {}) =>
    replaceScope(db.pool, db.schema, resolved, [rows], options);

  beforeAll(async () => {
    db = await createTestDatabase();
    await inTransaction(db.pool, (client) => ensureDatasetTable(client, db.schema, resolved));
  });
  afterAll(async () => db.drop());

  it('inserts typed columns and the raw row, with SQL-hostile field ids quoted', async () => {
    expect(await write([line(1, 1), line(1, 2)])).toEqual({ inserted: 2, updated: 0, deleted: 0 });
    const row = await db.pool.query(
      `SELECT "AmtDebit"::text AS amt, "EntryDate" AS day, "Modified" AS modified, "${HOSTILE.replace(/"/g, '""')}" AS hostile,
              "Btw-nummer" AS vat, "Blocked" AS blocked, convert_from("Attachment", 'UTF8') AS blob, _raw->>'SeqNo' AS raw_seq,
              _entry_day::text AS entry_day
         FROM afas.journal_lines WHERE "EntryNo" = 1 AND "SeqNo" = 1`,
    );
    expect(row.rows[0]).toMatchObject({
      amt: '10.5',
      hostile: 'tab\there\\ and "quotes"\nnewline',
      vat: 'NL001',
      blocked: false,
      blob: 'bytes',
      raw_seq: '1',
      entry_day: '2024-03-31',
    });
    // 2024-03-31 is the spring-forward day: midnight is CET (+01:00), 02:30 does not exist and
    // PostgreSQL moves it forward one hour, to 03:30 CEST = 01:30Z.
    expect((row.rows[0] as { day: Date }).day.toISOString()).toBe('2024-03-30T23:00:00.000Z');
    expect((row.rows[0] as { modified: Date }).modified.toISOString()).toBe('2024-03-31T01:30:00.000Z');
  });

  it('skips unchanged rows, updates changed ones, keeps decimals exact', async () => {
    expect(await write([line(1, 1), line(1, 2)])).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    const exact = line(1, 2, { AmtDebit: '12345678901234567890.123456789' });
    expect(await write([line(1, 1), exact])).toEqual({ inserted: 0, updated: 1, deleted: 0 });
    const amt = await db.pool.query<{ amt: string }>(
      `SELECT "AmtDebit"::text AS amt FROM afas.journal_lines WHERE "SeqNo" = 2`,
    );
    expect(amt.rows[0]?.amt).toBe('12345678901234567890.123456789');
  });

  it('rewrites a row altered behind its back only when asked to (a ledger repair): its _raw is unchanged', async () => {
    const amount = () =>
      db.pool
        .query<{ amt: string }>(
          `SELECT "AmtDebit"::text AS amt FROM afas.journal_lines WHERE "EntryNo" = 1 AND "SeqNo" = 1`,
        )
        .then((result) => result.rows[0]?.amt);
    await db.pool.query(`UPDATE afas.journal_lines SET "AmtDebit" = 99 WHERE "EntryNo" = 1 AND "SeqNo" = 1`);
    const rows = [line(1, 1), line(1, 2, { AmtDebit: '12345678901234567890.123456789' })];
    expect(await write(rows)).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    expect(await amount()).toBe('99');
    expect(await write(rows, { rewrite: true })).toEqual({ inserted: 0, updated: 1, deleted: 0 });
    expect(await amount()).toBe('10.5');
    expect(await write(rows, { rewrite: true })).toEqual({ inserted: 0, updated: 0, deleted: 0 });
  });

  it('replaces a day: rows missing from the stage are marked deleted, and come back when AFAS has them again', async () => {
    expect(await write([line(1, 1)], { days: ['2024-03-31'], runId: 'run-2' })).toEqual({
      inserted: 0,
      updated: 0,
      deleted: 1,
    });
    const live = await db.pool.query(
      `SELECT count(*)::int AS n FROM afas.journal_lines WHERE _deleted_at IS NULL`,
    );
    expect(live.rows[0]).toEqual({ n: 1 });
    expect(await write([line(1, 1), line(1, 2)], { days: ['2024-03-31'] })).toEqual({
      inserted: 0,
      updated: 1,
      deleted: 0,
    });
    const again = await db.pool.query(
      `SELECT count(*)::int AS n FROM afas.journal_lines WHERE _deleted_at IS NULL`,
    );
    expect(again.rows[0]).toEqual({ n: 2 });
  });

  it('rejects bad values naming connector, field and row key, and commits nothing of that batch', async () => {
    const bad = [line(2, 1), line(2, 2, { AmtDebit: 'abc' })];
    const error = await write(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RowDataError);
    expect((error as Error).message).toBe(
      `connector Profit_Transactions, row (UnitId=1, EntryNo=2, SeqNo=2), field 'AmtDebit': expected a decimal number, got "abc" (string)`,
    );
    const count = await db.pool.query(
      `SELECT count(*)::int AS n FROM afas.journal_lines WHERE "EntryNo" = 2`,
    );
    expect(count.rows[0]).toEqual({ n: 0 });
    await expect(write([line(3, 1, { EntryDate: '2024-02-30T00:00:00Z' })])).rejects.toThrow(
      /'EntryDate': expected a date/,
    );
    await expect(write([line(3, 1, { SeqNo: null })])).rejects.toThrow(/'SeqNo': key field is empty/);
    await expect(write([line(3, 1, { Blocked: 'yes' })])).rejects.toThrow(
      /'Blocked': expected true or false/,
    );
    await expect(write([line(3, 1, { 'Btw-nummer': 'nul\u0000byte' })])).rejects.toThrow(/NUL character/);
    await expect(write([line(3, 1, { UnitId: 2 })])).rejects.toThrow(/belongs to administration 2/);
  });

  it('stores unusual Unicode and repairs lone surrogates instead of failing', async () => {
    expect(await write([line(4, 1, { 'Btw-nummer': 'Zoë 😀 \ud800 end' })])).toMatchObject({ inserted: 1 });
    const text = await db.pool.query<{ v: string }>(
      `SELECT "Btw-nummer" AS v FROM afas.journal_lines WHERE "EntryNo" = 4`,
    );
    expect(text.rows[0]?.v).toBe('Zoë 😀 \ufffd end');
  });

  it('accepts identical duplicate keys in one page, rejects conflicting ones', async () => {
    expect(await write([line(5, 1), line(5, 1)])).toMatchObject({ inserted: 1 });
    await expect(write([line(6, 1), line(6, 1, { AmtDebit: 99 })])).rejects.toBeInstanceOf(DuplicateKeyError);
  });

  it('spots a key repeated across pages of one scope, also among unchanged rows, and starts afresh after a merge', async () => {
    const stagePages = async (pages: RawRow[][]) => {
      const counts = [];
      for (const page of pages) counts.push(await scope([page]));
      return counts.map(({ inserted, updated }) => ({ inserted, updated }));
    };
    const scope = (pages: RawRow[][]) => replaceScope(db.pool, db.schema, resolved, pages);
    expect(await scope([[line(7, 1), line(7, 2)], [line(7, 1)]])).toMatchObject({ inserted: 2 });
    // Row 7/1 is in the table unchanged: its second, different copy must still be refused.
    await expect(scope([[line(7, 1)], [line(7, 1, { AmtDebit: 3 })]])).rejects.toBeInstanceOf(
      DuplicateKeyError,
    );
    await expect(scope([[line(7, 1, { AmtDebit: 3 })], [line(7, 1)]])).rejects.toBeInstanceOf(
      DuplicateKeyError,
    );
    const unchanged = await db.pool.query(
      `SELECT "AmtDebit"::text AS amount FROM afas.journal_lines WHERE "EntryNo" = 7 AND "SeqNo" = 1`,
    );
    expect(unchanged.rows).toEqual([{ amount: '10.5' }]);
    await expect(scope([[line(8, 1)], [line(8, 1, { AmtDebit: 1 })]])).rejects.toBeInstanceOf(
      DuplicateKeyError,
    );
    const none = await db.pool.query(`SELECT 1 FROM afas.journal_lines WHERE "EntryNo" = 8`);
    expect(none.rowCount).toBe(0);
    // The same key staged again after a merge is a new page of the same writer, not a duplicate.
    expect(await stagePages([[line(9, 1)], [line(9, 1, { AmtDebit: 2 })]])).toEqual([
      { inserted: 1, updated: 0 },
      { inserted: 0, updated: 1 },
    ]);
  });

  it('checks decimal and date keys in SQL, where 1.5 and 1.50 are one key', async () => {
    const byAmount = resolveDataset(
      { ...definition, name: 'period_balances', keyFields: ['AmtDebit'], strategy: 'full-reload' },
      'Profit_Transactions',
      fields,
    );
    await inTransaction(db.pool, (client) => ensureDatasetTable(client, db.schema, byAmount));
    const writeAmounts = async (rows: RawRow[]) => {
      const { inserted, updated } = await replaceScope(db.pool, db.schema, byAmount, [rows]);
      return { inserted, updated };
    };
    await expect(
      writeAmounts([line(1, 1, { AmtDebit: '1.5' }), line(1, 2, { AmtDebit: '1.50' })]),
    ).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(await writeAmounts([line(1, 1, { AmtDebit: '2.5' }), line(1, 2, { AmtDebit: '3.5' })])).toEqual({
      inserted: 2,
      updated: 0,
    });
  });

  it('adds columns for new metainfo fields and refuses a changed type or a vanished key field', async () => {
    const grown = resolveDataset(definition, 'Profit_Transactions', [
      ...fields,
      { id: 'Extra', dataType: 'int' },
    ]);
    const added = await inTransaction(db.pool, (client) => ensureDatasetTable(client, db.schema, grown));
    expect(added.addedColumns).toEqual(['Extra']);
    const changed = resolveDataset(
      definition,
      'Profit_Transactions',
      fields.map((f) => (f.id === 'AmtDebit' ? { ...f, dataType: 'string' as const } : f)),
    );
    await expect(
      inTransaction(db.pool, (client) => ensureDatasetTable(client, db.schema, changed)),
    ).rejects.toThrow(/'AmtDebit' is now string but column journal_lines.AmtDebit is numeric/);
    expect(() =>
      resolveDataset(
        definition,
        'Profit_Transactions',
        fields.filter((f) => f.id !== 'SeqNo'),
      ),
    ).toThrow(DatasetSchemaError);
    expect(() =>
      resolveDataset(
        definition,
        'Profit_Transactions',
        fields.filter((f) => f.id !== 'SeqNo'),
      ),
    ).toThrow(/connector Profit_Transactions has no key field 'SeqNo'/);
  });
});

describe.each([
  ['a stage table', 'table'],
  ['lines held in memory', 'memory'],
  // A file whatever the scope holds (replaceScope asks for one only for an empty scope): the
  // lines read back from it must serve the plain COPY and, when it is refused, the merge.
  ['a stage file', 'file'],
] as const)('dataset writer: replacing a scope from %s', (_, spill) => {
  let db: TestDatabase;
  const resolved = resolveDataset(definition, 'Profit_Transactions', fields);
  const context = { source: 'src', runId: 'run-r' };
  const day = ['2024-03-31'];
  /** Replaces booking day `day` of administration 1, or (`whole`) all of it under `guard`. */
  const replace = async (rows: RawRow[], options: { whole?: boolean; guard?: MassDeleteGuard } = {}) => {
    const stage = await ScopeStage.create(
      db.pool,
      db.schema,
      resolved,
      {
        ...context,
        dataset: resolved.definition.name,
        administration: 1,
        part: String((stages += 1)),
      },
      spill === 'memory' ? {} : { heldBytes: 0, spillToFile: () => Promise.resolve(spill === 'file') },
    );
    try {
      await stage.add(encodePage(resolved, context, parsedPage(rows), { page: 0, administration: 1 }));
      expect({ table: stage.table !== null, file: stage.inFile }).toEqual({
        table: spill === 'table',
        file: spill === 'file',
      });
      return await inTransaction(db.pool, (client) => {
        const writer = new DatasetWriter(client, db.schema, resolved, context);
        const scope = options.whole ? { administrations: [1] } : { administrations: [1], entryDays: day };
        return stage.table
          ? writer.replace(stage.table, stage.rows, scope, true, options.guard)
          : writer.replaceWith(stage.lines, scope, true, options.guard);
      });
    } finally {
      await stage.drop();
    }
  };
  const stored = async () =>
    (
      await db.pool.query<{ key: string; amount: string; deleted: boolean }>(
        `SELECT "EntryNo" || '/' || "SeqNo" AS key, "AmtDebit"::text AS amount, _deleted_at IS NOT NULL AS deleted
           FROM afas.journal_lines ORDER BY "EntryNo", "SeqNo"`,
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDatabase();
    await inTransaction(db.pool, (client) => ensureDatasetTable(client, db.schema, resolved));
  });
  afterAll(async () => db.drop());

  it('fills an empty scope, then marks and merges; a key staged twice or held elsewhere still merges', async () => {
    // A key twice in the stage of an empty scope: the plain insert is refused, the merge takes it once.
    expect(await replace([line(1, 1), line(1, 2), line(1, 2)])).toEqual({
      inserted: 2,
      updated: 0,
      deleted: 0,
    });
    expect(await replace([line(1, 1, { AmtDebit: 5 })])).toEqual({ inserted: 0, updated: 1, deleted: 1 });
    expect(await stored()).toEqual([
      { key: '1/1', amount: '5', deleted: false },
      { key: '1/2', amount: '10.5', deleted: true },
    ]);
    // Line 1/2 moved to another day: that day's scope is empty, but the key is in the table.
    await db.pool.query(`UPDATE afas.journal_lines SET _entry_day = '2024-01-01'`);
    expect(await replace([line(1, 2, { AmtDebit: 6 })])).toEqual({ inserted: 0, updated: 1, deleted: 0 });
    await expect(replace([line(2, 1), line(2, 1, { AmtDebit: 1 })])).rejects.toBeInstanceOf(
      DuplicateKeyError,
    );
  });

  it('under a mass-delete guard, refuses marking most of the scope deleted and leaves it as it was', async () => {
    await db.pool.query(`DELETE FROM afas.journal_lines`);
    const lines = Array.from({ length: 120 }, (_, index) => line(10, index + 1));
    const guard = { maxPercent: 50, minLiveRows: 100 };
    expect(await replace(lines, { whole: true, guard })).toMatchObject({ inserted: 120, deleted: 0 });
    const refused = replace(lines.slice(0, 10), { whole: true, guard });
    await expect(refused).rejects.toBeInstanceOf(MassDeleteError);
    await expect(refused).rejects.toThrow('AFAS returned 10 rows, PostgreSQL holds 120 live');
    expect((await stored()).filter((row) => !row.deleted)).toHaveLength(120);
    // Exactly half may go; without a guard anything may.
    expect(await replace(lines.slice(0, 60), { whole: true, guard })).toMatchObject({ deleted: 60 });
    expect(await replace([line(10, 1)], { whole: true })).toMatchObject({ deleted: 59 });
    expect((await stored()).filter((row) => !row.deleted)).toEqual([
      { key: '10/1', amount: '10.5', deleted: false },
    ]);
  });
});

describe('scope stage: where a scope past memory or past 1 MB goes', () => {
  let db: TestDatabase;
  const resolved = resolveDataset(definition, 'Profit_Transactions', fields);

  beforeAll(async () => {
    db = await createTestDatabase();
    await inTransaction(db.pool, (client) => ensureDatasetTable(client, db.schema, resolved));
  });
  afterAll(async () => db.drop());

  it.each([
    ['holds no row of moves to a file once it holds 1 MB', true],
    ['holds rows of stays in memory (its merge reads it there)', false],
  ])('a scope the table %s', async (_, empty) => {
    let asked = 0;
    const stage = await ScopeStage.create(
      db.pool,
      db.schema,
      resolved,
      {
        source: 'src',
        runId: 'run-m',
        dataset: resolved.definition.name,
        administration: 1,
        part: String((stages += 1)),
      },
      {
        spillToFile: () => {
          asked += 1;
          return Promise.resolve(empty);
        },
      },
    );
    // ~420 KB of COPY lines per page (the long value twice: its column and `_raw`): the third page
    // passes 1 MB, all four stay under 8 MB.
    const page = (entry: number) =>
      encodePage(
        resolved,
        { source: 'src', runId: 'run-m' },
        parsedPage(
          Array.from({ length: 200 }, (_, seq) => line(entry, seq + 1, { 'Btw-nummer': 'x'.repeat(1000) })),
        ),
        { page: 0, administration: 1 },
      );
    try {
      await stage.add(page(40));
      await stage.add(page(41));
      expect({ asked, file: stage.inFile }).toEqual({ asked: 0, file: false });
      await stage.add(page(42));
      await stage.add(page(43));
      expect({ asked, file: stage.inFile, table: stage.table, rows: stage.rows }).toEqual({
        asked: 1,
        file: empty,
        table: null,
        rows: 800,
      });
      expect(stage.lines.rows).toBe(800);
    } finally {
      await stage.drop();
    }
  });

  it('spills to a table instead when the directory takes no file', async () => {
    const stage = await ScopeStage.create(
      db.pool,
      db.schema,
      resolved,
      {
        source: 'src',
        runId: 'run-f',
        dataset: resolved.definition.name,
        administration: 1,
        part: String((stages += 1)),
      },
      { heldBytes: 0, spillToFile: () => Promise.resolve(true), fileDir: '/nonexistent/afas-sync-stage' },
    );
    try {
      await stage.add(
        encodePage(resolved, { source: 'src', runId: 'run-f' }, parsedPage([line(30, 1)]), {
          page: 0,
          administration: 1,
        }),
      );
      expect({ table: stage.table !== null, file: stage.inFile, rows: stage.rows }).toEqual({
        table: true,
        file: false,
        rows: 1,
      });
    } finally {
      await stage.drop();
    }
  });
});

describe('dataset writer: appending pages of new rows without the stage', () => {
  let db: TestDatabase;
  const resolved = resolveDataset(definition, 'Profit_Transactions', fields);
  const writer = (client: Parameters<Parameters<typeof inTransaction>[1]>[0], source = 'src') =>
    new DatasetWriter(client, db.schema, resolved, { source, runId: 'run-a' });
  const encoded = (rows: RawRow[], source = 'src') =>
    encodePage(resolved, { source, runId: 'run-a' }, parsedPage(rows), { page: 0, administration: 1 });
  const zone = async (client: Parameters<Parameters<typeof inTransaction>[1]>[0]) =>
    (await client.query<{ zone: string }>(`SELECT current_setting('TimeZone') AS zone`)).rows[0]?.zone;
  const columns = `"UnitId", "AmtDebit", "EntryDate", "Modified", "Btw-nummer", "${HOSTILE.replace(/"/g, '""')}", "Blocked", "Attachment", _raw, _entry_day, _run_id, _deleted_at`;

  beforeAll(async () => {
    db = await createTestDatabase();
    await inTransaction(db.pool, (client) => ensureDatasetTable(client, db.schema, resolved));
  });
  afterAll(async () => db.drop());

  it('stores every column exactly as staging and merging does, Amsterdam DST gaps and overlaps included', async () => {
    const rows = [
      line(1, 1),
      // 02:30 on 27 October 2024 happened twice (CEST, then CET); on 31 March it did not happen.
      line(1, 2, { Modified: '2024-10-27T02:30:00Z', EntryDate: '2024-10-27T00:00:00Z' }),
      line(1, 3, { AmtDebit: '12345678901234567890.123456789', 'Btw-nummer': 'Zoë 😀 \ud800' }),
      line(1, 4, { Modified: '2024-07-01T12:34:56.123456Z', Blocked: null, Attachment: null }),
    ];
    const inTransactionZones = await inTransaction(db.pool, async (client) => {
      await client.query(`SET LOCAL TimeZone = 'America/New_York'`);
      const counts = await writer(client, 'append').appendNew(encoded(rows, 'append'));
      return { counts, after: await zone(client) };
    });
    expect(inTransactionZones).toEqual({ counts: { inserted: 4, updated: 0 }, after: 'America/New_York' });
    await inTransaction(db.pool, async (client) => {
      expect(await writer(client, 'merge').writePage(encoded(rows, 'merge'), false)).toEqual({
        inserted: 4,
        updated: 0,
        appended: false,
      });
    });
    const compared = await db.pool.query<{ pairs: number; different: number }>(
      `SELECT count(*)::int AS pairs,
              count(*) FILTER (WHERE (a.${columns.replaceAll(', ', ', a.')}) IS DISTINCT FROM (m.${columns.replaceAll(', ', ', m.')}))::int AS different
         FROM afas.journal_lines a JOIN afas.journal_lines m USING (_administration, "EntryNo", "SeqNo")
        WHERE a._source = 'append' AND m._source = 'merge'`,
    );
    expect(compared.rows[0]).toEqual({ pairs: 4, different: 0 });
    const overlap = await db.pool.query<{ modified: Date }>(
      `SELECT "Modified" AS modified FROM afas.journal_lines WHERE _source = 'append' AND "SeqNo" = 2`,
    );
    // PostgreSQL reads an ambiguous wall time as standard time (CET, +01:00).
    expect(overlap.rows[0]?.modified.toISOString()).toBe('2024-10-27T01:30:00.000Z');
  });

  it('refuses a page with a key the table has, or a key twice, leaving nothing of it; writePage then merges', async () => {
    await inTransaction(db.pool, async (client) => {
      // One writer per transaction, as the import uses it (its stage table lives in the transaction).
      const pages = writer(client);
      const before = await zone(client);
      expect(await pages.appendNew(encoded([line(2, 1)]))).toEqual({
        inserted: 1,
        updated: 0,
      });
      // A new key first, then one the table has: the refused COPY leaves neither.
      const refused = encoded([line(3, 1), line(2, 1, { AmtDebit: 7 })]);
      expect(await pages.appendNew(refused)).toBeNull();
      const partial = await client.query(`SELECT 1 FROM afas.journal_lines WHERE "EntryNo" = 3`);
      expect(partial.rowCount).toBe(0);
      expect(await zone(client)).toBe(before);
      // The refused page's text is still whole: writePage stages and merges it.
      expect(await pages.writePage(refused, true)).toEqual({ inserted: 1, updated: 1, appended: false });
      // The same key twice in one page: refused, then merged as one row.
      expect(await pages.writePage(encoded([line(4, 1), line(4, 1)]), true)).toEqual({
        inserted: 1,
        updated: 0,
        appended: false,
      });
      expect(await pages.writePage(encoded([line(5, 1)]), true)).toEqual({
        inserted: 1,
        updated: 0,
        appended: true,
      });
      expect(await pages.writePage(encoded([line(6, 1)]), false)).toEqual({
        inserted: 1,
        updated: 0,
        appended: false,
      });
    });
    const stored = await db.pool.query<{ entry: string; amount: string }>(
      `SELECT "EntryNo"::text AS entry, "AmtDebit"::text AS amount FROM afas.journal_lines
        WHERE _source = 'src' ORDER BY "EntryNo"`,
    );
    expect(stored.rows).toEqual([
      { entry: '2', amount: '7' },
      { entry: '3', amount: '10.5' },
      { entry: '4', amount: '10.5' },
      { entry: '5', amount: '10.5' },
      { entry: '6', amount: '10.5' },
    ]);
    await expect(
      inTransaction(db.pool, (client) =>
        writer(client).writePage(encoded([line(7, 1), line(7, 1, { AmtDebit: 1 })]), true),
      ),
    ).rejects.toBeInstanceOf(DuplicateKeyError);
  });

  it('encodes a page in full before anything is written: a bad row fails it naming field and key', () => {
    const bad = () => encoded([line(8, 1), line(8, 2, { EntryDate: 'yesterday' })]);
    expect(bad).toThrow(RowDataError);
    expect(bad).toThrow(/row \(UnitId=1, EntryNo=8, SeqNo=2\), field 'EntryDate': expected a date/);
    expect(() => encoded([line(8, 1, { UnitId: 2 })])).toThrow(/belongs to administration 2/);
    expect(encoded([line(8, 1), line(8, 2)])).toMatchObject({ rows: 2 });
  });
});
