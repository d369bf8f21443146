// Issue 19, first slice: `afas-sync post check <source> --file F` validates a batch of journal
// entries against what a real sync loaded from the simulator, names every problem by entry key,
// line and field, and never calls AFAS (no UpdateConnector, no call at all) while it checks. A
// source checks batches only with write-back enabled (item 7); one that only reads is refused.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateEnvelope } from '../../src/afas/update.js';
import { startSync } from '../../src/client/sync-control.js';
import { batchEntry, batchLine } from '../helpers/batch-builders.js';
import { ensureBuilt } from '../helpers/build.js';
import { errorLines, runCli } from '../helpers/cli.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN_DATA = '19E6E40123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789';
const TOKEN = `<token><version>1</version><data>${TOKEN_DATA}</data></token>`;
const SOURCE = 'writer';
const UNSYNCED = 'writer-unsynced';
const READ_ONLY = 'reader';
/** The simulator blocks every period older than the year before its newest. */
const [BLOCKED_YEAR, YEAR] = [2023, 2025];

interface Report {
  source: string;
  batch: string | null;
  entries: number;
  lines: number;
  valid: boolean;
  problems: { entry: string | null; line: number | null; field: string; message: string }[];
}

const line = batchLine;
const entry = (key: string, extra: Record<string, unknown> = {}) => batchEntry(key, YEAR, extra);

describe('post check: a batch against the synced data, without AFAS', () => {
  let fixture: SyncFixture;
  let dir: string;
  let debtor: { open: string; blocked: string };
  let creditor: string;

  beforeAll(async () => {
    [fixture] = await Promise.all([
      startSyncFixture({
        simulator: {
          seed: 19,
          administrations: 1,
          years: [BLOCKED_YEAR, 2024, YEAR],
          linesPerYear: 100,
          tokens: [{ token: TOKEN_DATA }],
        },
        // Write-back enabled as `source add --write-back` stores it once AFAS offered FiEntries (below).
        sources: [
          { name: SOURCE, token: TOKEN, writeBack: true },
          { name: UNSYNCED, token: TOKEN, writeBack: true },
          { name: READ_ONLY, token: TOKEN },
        ],
      }),
      ensureBuilt(),
    ]);
    const sync = await startSync(fixture.target, SOURCE, {});
    expect((await sync.result()).status).toBe('succeeded');
    const debtors = await fixture.db.pool.query<{ id: string; blocked: boolean }>(
      `SELECT "DebtorId" AS id, "Blocked" AS blocked FROM afas.debtors WHERE _source = $1 ORDER BY 1`,
      [SOURCE],
    );
    const pick = (blocked: boolean) => debtors.rows.find((row) => row.blocked === blocked)?.id;
    debtor = { open: pick(false) ?? '', blocked: pick(true) ?? '' };
    expect(debtor.blocked, 'the seed has a blocked debtor').not.toBe('');
    const creditors = await fixture.db.pool.query<{ id: string }>(
      `SELECT "CreditorId" AS id FROM afas.creditors WHERE _source = $1 AND NOT "Blocked" ORDER BY 1 LIMIT 1`,
      [SOURCE],
    );
    creditor = creditors.rows[0]?.id ?? '';
    const offered = (await fixture.afas.metainfo()).updateConnectors.map((connector) => connector.id);
    expect(offered, "the simulator's App connector offers FiEntries").toContain('FiEntries');
    dir = mkdtempSync(join(tmpdir(), 'post-check-'));
    await fixture.control.clearRequests();
  });
  afterAll(() => fixture?.close());

  const cli = (...args: string[]) => runCli(args, { env: { DATABASE_URL: fixture.db.url } });
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const check = async (source: string, batch: unknown) => {
    const result = await cli('post', 'check', source, '--file', file(`${source}.json`, batch), '--json');
    return { code: result.code, report: JSON.parse(result.stdout) as Report };
  };
  const where = (report: Report) => report.problems.map((p) => [p.entry, p.line, p.field]);

  const validBatch = () => ({
    batch: 'accruals-2025-03',
    entries: [
      entry('acc-001', { voucherNo: 'ACC-001' }),
      entry('acc-002', {
        year: YEAR,
        period: 3,
        lines: [
          line(debtor.open, '121.00', '0', { kind: 'debtor' }),
          line('8000', '0', '100.00', { vatCode: '1', allocations: [{ axis: '2', code: 'KD01' }] }),
          line('1510', '0', '21.00'),
        ],
      }),
      entry('acc-003', {
        lines: [
          line('4200', '50.00', '0', { allocations: [{ axis: '1', code: '200' }] }),
          line(creditor, '0', '50.00', { kind: 'creditor', description: 'energy' }),
        ],
      }),
    ],
  });

  it('passes a valid batch: ledger, debtor and creditor lines, VAT, allocations, derived or given period', async () => {
    const batch = validBatch();
    const { code, report } = await check(SOURCE, batch);
    expect(report).toEqual({
      source: SOURCE,
      batch: 'accruals-2025-03',
      entries: 3,
      lines: 7,
      valid: true,
      problems: [],
    });
    expect(code).toBe(0);
    const text = await cli('post', 'check', SOURCE, '--file', file('valid.json', batch));
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      `batch accruals-2025-03 for "${SOURCE}": 3 entries, 7 line(s): valid (checked only; nothing was posted)\n`,
    );
  });

  it('reports every kind of problem by entry key, line and field, and exits 1', async () => {
    const { code, report } = await check(SOURCE, {
      batch: 'month-end',
      entries: [
        entry('unbalanced', { lines: [line('1700', '10.00', '0'), line('1000', '0', '9.99')] }),
        entry('float', { lines: [line('1700', '10', '0'), { account: '1000', debit: '0', credit: 10 }] }),
        entry('blocked-period', { date: `${BLOCKED_YEAR}-06-30` }),
        entry('unknown-journal', { journal: '99' }),
        entry('accounts', {
          lines: [
            line('4000', '5.00', '0'),
            line('8074', '5.00', '0', { allocations: [{ axis: '1', code: '500' }] }),
            line('4711', '5.00', '0'),
            line(debtor.blocked, '0', '15.00', { kind: 'debtor', vatCode: 'X' }),
          ],
        }),
        entry('unbalanced'),
      ],
    });
    expect(code).toBe(1);
    expect(report.valid).toBe(false);
    expect(where(report)).toEqual([
      ['unbalanced', null, 'key'],
      ['unbalanced', null, 'lines'],
      ['float', 2, 'credit'],
      ['blocked-period', null, 'date'],
      ['unknown-journal', null, 'journal'],
      ['accounts', 1, 'allocations'],
      ['accounts', 2, 'allocations[0].code'],
      ['accounts', 3, 'account'],
      ['accounts', 4, 'account'],
      ['accounts', 4, 'vatCode'],
    ]);
    const messages = report.problems.map((p) => p.message);
    expect(messages).toEqual([
      'entries[5] repeats the key of entries[0]: keys must be unique within the batch',
      'does not balance: debit 10.00, credit 9.99 (debit − credit = 0.01)',
      'must be a decimal string such as "10", not a JSON number (a number may already have lost precision)',
      `${BLOCKED_YEAR}-06-30 falls in period ${BLOCKED_YEAR}-06, which is blocked`,
      'journal "99" does not exist in administration 1',
      'ledger account "4000" requires an allocation on axis 1',
      'allocation code "500" on axis 1 is not assigned to ledger account "8074" in administration 1',
      'ledger account "4711" does not exist',
      `debtor "${debtor.blocked}" is blocked`,
      'VAT code "X" does not exist',
    ]);
  });

  it('prints the problems as a table naming entry, line and field', async () => {
    const batch = {
      batch: 'b1',
      entries: [entry('e1', { lines: [line('1700', '1', '0'), line('4711', '0', '1')] })],
    };
    const result = await cli('post', 'check', SOURCE, '--file', file('text.json', batch));
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `batch b1 for "${SOURCE}": 1 entry, 2 line(s): 1 problem(s); nothing can be posted`,
      'entry  line  field    problem',
      'e1        2  account  ledger account "4711" does not exist',
      '',
    ]);
  });

  it('names the datasets to sync first for a source never synced', async () => {
    const { code, report } = await check(UNSYNCED, { batch: 'b2', entries: [entry('e1')] });
    expect(code).toBe(1);
    expect(where(report)).toEqual([
      [null, null, 'administrations'],
      [null, null, 'journals'],
      [null, null, 'gl_accounts'],
      [null, null, 'periods'],
      [null, null, 'allocation_assignments'],
    ]);
    expect(report.problems[0]?.message).toBe(
      `cannot be checked: no sync of this source has loaded administrations yet; run \`afas-sync sync ${UNSYNCED}\` first`,
    );
  });

  it('exits 2 for a missing or unreadable file and 1 for an unknown source', async () => {
    const missingFlag = await cli('post', 'check', SOURCE);
    expect(missingFlag.code).toBe(2);
    expect(errorLines(missingFlag)).toEqual([
      'afas-sync: --file is required: the batch file to check, e.g. --file batch.json',
    ]);
    const unreadable = await cli('post', 'check', SOURCE, '--file', join(dir, 'nope.json'));
    expect(unreadable.code).toBe(2);
    expect(errorLines(unreadable)[0]).toMatch(/cannot read --file ".*nope\.json": no such file/);
    const unknown = await cli(
      'post',
      'check',
      'nobody',
      '--file',
      file('any.json', { batch: 'b', entries: [entry('e')] }),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nobody/);
  });

  it('refuses a source without write-back, saying how to enable it, before checking the batch', async () => {
    const result = await cli('post', 'check', READ_ONLY, '--file', file('read-only.json', validBatch()));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(errorLines(result)).toEqual([
      `afas-sync: source "${READ_ONLY}" has write-back off (a source only reads until write-back is ` +
        `enabled): enable it with \`afas-sync source update ${READ_ONLY} --write-back\`, which first ` +
        'checks that the App connector offers the UpdateConnector FiEntries',
    ]);
    const json = await cli(
      'post',
      'check',
      READ_ONLY,
      '--file',
      file('read-only.json', validBatch()),
      '--json',
    );
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
  });

  it('called AFAS not once while checking', async () => {
    expect(await fixture.control.requests()).toEqual([]);
  });

  it('posts what it passed without a complaint from the simulator, which logs that call', async () => {
    // AFAS's own validation (the simulator's) accepts the batch the check passed, and the request
    // log records an UpdateConnector call: the empty log above was not blind.
    const kinds = { ledger: '1', debtor: '2', creditor: '3' } as const;
    for (const item of validBatch().entries) {
      const lines = item.lines as {
        account: string;
        debit: string;
        credit: string;
        kind?: keyof typeof kinds;
        vatCode?: string;
        allocations?: { axis: string; code: string }[];
      }[];
      const envelope = updateEnvelope('FiEntryPar', {
        fields: { Year: YEAR, Peri: 3, UnId: item.administration, JoCo: item.journal },
        objects: {
          FiEntries: lines.map((l) => ({
            fields: {
              VaAs: kinds[l.kind ?? 'ledger'],
              AcNr: l.account,
              EnDa: item.date,
              BpDa: item.date,
              AmDe: l.debit,
              AmCr: l.credit,
              ...(l.vatCode ? { VaId: l.vatCode } : {}),
            },
            ...(l.allocations
              ? {
                  objects: {
                    FiDimEntries: {
                      fields: Object.fromEntries(l.allocations.map((a) => [`DiC${a.axis}`, a.code])),
                    },
                  },
                }
              : {}),
          })),
        },
      });
      const result = await fixture.afas.insert('FiEntries', envelope);
      expect(result.results?.['FiEntryPar']?.['EnNo']).toMatch(/^\d+$/);
    }
    const posted = await fixture.control.requests();
    expect(posted.map((request) => [request.method, request.connector, request.status])).toEqual(
      Array.from({ length: 3 }, () => ['POST', 'FiEntries', 201]),
    );
  });
});
