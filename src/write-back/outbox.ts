// The outbox (issue 19): an application inserts a batch's entries and lines into
// post_outbox_entries and post_outbox_lines, then runs `afas-sync post <source> --outbox <batch>`.
// The rows are turned into the batch file's JSON text, field for field, and that text goes through
// parseBatch and every check a file goes through: one validation path, so an outbox batch can be
// neither more nor less valid than the same batch as a file. Nothing here writes: afas-sync never
// changes the outbox rows (the application owns them; post_batches records what was posted).
import type pg from 'pg';
import { ident, inTransaction } from '../db/pool.js';

export class OutboxEmptyError extends Error {
  constructor(source: string, batch: string, schema: string) {
    super(
      `no entries of batch "${batch}" for source "${source}" in ${schema}.post_outbox_entries: an application ` +
        `inserts the entries there and their lines in ${schema}.post_outbox_lines (README "Writing back: the outbox")`,
    );
    this.name = 'OutboxEmptyError';
  }
}

interface OutboxEntryRow {
  key: string;
  administration: number;
  journal: string;
  date: string;
  description: string | null;
  voucher_no: string | null;
  year: number | null;
  period: number | null;
}

interface OutboxLineRow {
  key: string;
  account: string;
  kind: string;
  debit: string;
  credit: string;
  description: string | null;
  vat_code: string | null;
  allocations: unknown;
}

/** Leaves out what the row holds as NULL: the file format's "field not given". */
function given(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
}

/** The batch's outbox rows as the text of a batch file; an OutboxEmptyError when there are none. */
export async function readOutboxBatch(
  pool: pg.Pool,
  schema: string,
  source: string,
  batch: string,
): Promise<string> {
  // One snapshot: an application still inserting lines cannot have half of them read.
  const { entries, lines } = await inTransaction(
    pool,
    async (client) => {
      const entryRows = await client.query<OutboxEntryRow>(
        `SELECT key, administration, journal, to_char(entry_date, 'YYYY-MM-DD') AS date, description,
                voucher_no, year, period
           FROM ${ident(schema)}.post_outbox_entries
          WHERE source = $1 AND batch_id = $2
          ORDER BY position NULLS LAST, key`,
        [source, batch],
      );
      // Amounts as numeric's own text ("1250.00"): exact, never through a float.
      const lineRows = await client.query<OutboxLineRow>(
        `SELECT key, account, kind, debit::text AS debit, credit::text AS credit, description, vat_code,
                allocations
           FROM ${ident(schema)}.post_outbox_lines
          WHERE source = $1 AND batch_id = $2
          ORDER BY key, line_no`,
        [source, batch],
      );
      return { entries: entryRows.rows, lines: lineRows.rows };
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY',
  );
  if (entries.length === 0) throw new OutboxEmptyError(source, batch, schema);
  const linesOf = new Map<string, Record<string, unknown>[]>();
  for (const line of lines) {
    const list = linesOf.get(line.key) ?? [];
    list.push(
      given({
        account: line.account,
        kind: line.kind,
        debit: line.debit,
        credit: line.credit,
        description: line.description,
        vatCode: line.vat_code,
        allocations: line.allocations,
      }),
    );
    linesOf.set(line.key, list);
  }
  return JSON.stringify({
    batch,
    entries: entries.map((entry) =>
      given({
        key: entry.key,
        administration: entry.administration,
        journal: entry.journal,
        date: entry.date,
        description: entry.description,
        voucherNo: entry.voucher_no,
        year: entry.year,
        period: entry.period,
        lines: linesOf.get(entry.key) ?? [],
      }),
    ),
  });
}
