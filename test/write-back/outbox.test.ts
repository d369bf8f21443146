// The outbox on real PostgreSQL: rows an application inserted read back as the text of a batch
// file, field for field, so parseBatch sees the same batch (and the same problems) as from a file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBatch } from '../../src/write-back/batch-format.js';
import { batchProblems } from '../../src/write-back/batch-rules.js';
import { OutboxEmptyError, readOutboxBatch } from '../../src/write-back/outbox.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const SOURCE = 'outbox-src';

interface Line {
  account: string;
  kind?: string;
  debit: string;
  credit: string;
  description?: string;
  vatCode?: string;
  allocations?: unknown;
}
interface Entry {
  key: string;
  position?: number;
  administration: number;
  journal: string;
  date: string;
  description?: string;
  voucherNo?: string;
  year?: number;
  period?: number;
  lines: Line[];
}

describe('outbox', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  /** Inserts a batch the way an application would. */
  async function insert(batch: string, entries: Entry[]): Promise<void> {
    for (const entry of entries) {
      await db.pool.query(
        `INSERT INTO afas.post_outbox_entries (source, batch_id, key, position, administration, journal,
           entry_date, description, voucher_no, year, period)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          SOURCE,
          batch,
          entry.key,
          entry.position ?? null,
          entry.administration,
          entry.journal,
          entry.date,
          entry.description ?? null,
          entry.voucherNo ?? null,
          entry.year ?? null,
          entry.period ?? null,
        ],
      );
      for (const [index, line] of entry.lines.entries())
        await db.pool.query(
          `INSERT INTO afas.post_outbox_lines (source, batch_id, key, line_no, account, kind, debit, credit,
             description, vat_code, allocations)
           VALUES ($1, $2, $3, $4, $5, coalesce($6, 'ledger'), $7, $8, $9, $10, $11)`,
          [
            SOURCE,
            batch,
            entry.key,
            // Line numbers need not start at 1 or be dense: only their order counts.
            (index + 1) * 10,
            line.account,
            line.kind ?? null,
            line.debit,
            line.credit,
            line.description ?? null,
            line.vatCode ?? null,
            line.allocations === undefined ? null : JSON.stringify(line.allocations),
          ],
        );
    }
  }

  /** The batch as a file spells it; the outbox's kind column is never empty (default `ledger`). */
  const asFile = (batch: string, entries: Entry[]) =>
    JSON.stringify({
      batch,
      entries: entries.map(({ position: _position, ...entry }) => ({
        ...entry,
        lines: entry.lines.map((line) => ({ kind: 'ledger', ...line })),
      })),
    });

  it('reads every field back as the batch file spells it, entries by position then key, lines by number', async () => {
    const entries: Entry[] = [
      {
        key: 'z-first',
        position: 1,
        administration: 1,
        journal: '90',
        date: '2025-03-31',
        description: 'Accrual rent March',
        voucherNo: 'ACC-001',
        year: 2025,
        period: 3,
        lines: [
          {
            account: '4000',
            debit: '1250.00',
            credit: '0.00',
            vatCode: '1',
            allocations: [{ axis: '1', code: '100' }],
          },
          { account: '10001', kind: 'creditor', debit: '0.00', credit: '1250.00', description: 'rent' },
        ],
      },
      {
        key: 'b-unpositioned',
        administration: 2,
        journal: '91',
        date: '2025-01-01',
        lines: [
          { account: '4000', debit: '0.01', credit: '0.00' },
          { account: '1600', debit: '0.00', credit: '0.01' },
        ],
      },
      {
        key: 'a-unpositioned',
        administration: 1,
        journal: '90',
        date: '2024-12-31',
        lines: [
          { account: '4000', debit: '99999999.99', credit: '0.00' },
          { account: '1600', debit: '0.00', credit: '99999999.99' },
        ],
      },
    ];
    await insert(
      'ob-valid',
      [entries[1], entries[0], entries[2]].filter((e): e is Entry => !!e),
    );
    const text = await readOutboxBatch(db.pool, db.schema, SOURCE, 'ob-valid');
    const order = [entries[0], entries[2], entries[1]].filter((e): e is Entry => !!e);
    expect(JSON.parse(text)).toEqual(JSON.parse(asFile('ob-valid', order)));
    const parsed = parseBatch(text);
    expect(batchProblems(parsed)).toEqual([]);
    expect(parsed).toEqual(parseBatch(asFile('ob-valid', order)));
  });

  it('gives the same problems as the same batch in a file', async () => {
    const entries: Entry[] = [
      {
        key: 'unbalanced',
        administration: 1,
        journal: '90',
        date: '2025-03-31',
        lines: [
          { account: '4000', debit: '10.00', credit: '0.00' },
          { account: '1600', debit: '0.00', credit: '9.99' },
        ],
      },
      {
        key: 'bad-fields',
        administration: 1,
        journal: '90',
        date: '2025-03-31',
        description: 'x'.repeat(229),
        year: 2025,
        lines: [
          { account: '4000', kind: 'supplier', debit: '-5.00', credit: '0.00' },
          { account: '1600', debit: '0.00', credit: '0.00', allocations: { axis: '1' } },
        ],
      },
      { key: 'no lines', administration: 1, journal: '90', date: '2025-03-31', lines: [] },
    ];
    await insert('ob-invalid', entries);
    const text = await readOutboxBatch(db.pool, db.schema, SOURCE, 'ob-invalid');
    const fromOutbox = batchProblems(parseBatch(text));
    // Without positions, entries come in key order: bad-fields, no lines (entries[1]), unbalanced.
    expect(fromOutbox.map((p) => [p.entry, p.line, p.field])).toEqual([
      ['bad-fields', null, 'description'],
      ['bad-fields', 1, 'kind'],
      ['bad-fields', 1, 'debit'],
      ['bad-fields', 2, 'allocations'],
      ['entries[1]', null, 'key'],
      ['entries[1]', null, 'lines'],
      ['unbalanced', null, 'lines'],
    ]);
    const byKey = [...entries].sort((a, b) => a.key.localeCompare(b.key));
    expect(fromOutbox).toEqual(batchProblems(parseBatch(asFile('ob-invalid', byKey))));
  });

  it('says which tables to fill when the batch has no rows', async () => {
    const read = readOutboxBatch(db.pool, db.schema, SOURCE, 'ob-none');
    await expect(read).rejects.toBeInstanceOf(OutboxEmptyError);
    await expect(read).rejects.toThrow(
      'no entries of batch "ob-none" for source "outbox-src" in afas.post_outbox_entries: an application ' +
        'inserts the entries there and their lines in afas.post_outbox_lines (README "Writing back: the outbox")',
    );
  });
});
