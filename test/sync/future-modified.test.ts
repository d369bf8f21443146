// Issue 15, item 4: watermarks cannot freeze. One `Modified` stamped in the future used to become
// the watermark, after which every read skipped every real change while each sync still
// succeeded. The simulator's clock runs three days behind the worker's here, so the debtor's
// stamp (a day ahead of AFAS) lies in the worker's past: only AFAS's `Date` header shows it is
// in the future.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAfasFilterDateTime } from '../../src/afas/amsterdam-time.js';
import { DATASETS } from '../../src/catalog/index.js';
import { CliContext } from '../../src/cli/context.js';
import { Output } from '../../src/cli/output.js';
import { buildProgram } from '../../src/cli/program.js';
import { startSync } from '../../src/client/sync-control.js';
import { loadConfig } from '../../src/config/index.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN_DATA = 'F00DFACE0123456789F00DFACE0123456789F00DFACE0123456789F00DFACE01';
const SYNC_OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };
const DAY_MS = 86_400_000;
/** AFAS's clock, three days behind the worker's. */
const AFAS_LAG_MS = 3 * DAY_MS;
const afasNow = () => new Date(Date.now() - AFAS_LAG_MS);
const BOOKING_DAY_STAMP = '2099-01-01T00:00:00Z';

type Row = Record<string, unknown>;

describe('a Modified stamped in the future freezes no watermark', () => {
  let fixture: SyncFixture;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 15,
        administrations: 2,
        years: [2025, 2026],
        linesPerYear: 300,
        tokens: [{ token: TOKEN_DATA }],
        now: afasNow,
      },
      sources: [
        {
          name: 'wm',
          token: `<token><version>1</version><data>${TOKEN_DATA}</data></token>`,
          // Debtors by their watermark (not read whole every run, as a scope this small would be):
          // the watermark is what this file is about.
          fullReloadMaxRows: 0,
        },
      ],
    });
  });

  afterAll(() => fixture?.close());

  async function sync() {
    const handle = await startSync(fixture.target, 'wm', SYNC_OPTIONS);
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    return result;
  }

  async function expectAllEqual() {
    for (const definition of DATASETS) {
      await expectTableEqualsSimulator(fixture.db.pool, fixture.control, fixture.afas, {
        source: 'wm',
        name: definition.name,
        administrations: [1, 2],
      });
    }
  }

  async function watermarks(): Promise<Map<string, string | null>> {
    const result = await fixture.db.pool.query<{
      dataset: string;
      administration: number;
      watermark: string | null;
    }>(
      `SELECT dataset, administration, watermark FROM afas.sync_state WHERE source = 'wm' AND watermark IS NOT NULL`,
    );
    return new Map(result.rows.map((row) => [`${row.dataset}/${row.administration}`, row.watermark]));
  }

  /** `afas-sync runs wm --run <id>`, in process against the test database. */
  async function runsCommand(runId: string): Promise<string> {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const out = new Output(stream, stream);
    const cli = {
      ctx: new CliContext({ DATABASE_URL: fixture.db.url }, out, loadConfig),
      out,
      exit: () => undefined,
    };
    try {
      await buildProgram(cli, 'test').parseAsync(['runs', 'wm', '--run', runId], { from: 'user' });
    } finally {
      await cli.ctx.close();
    }
    return text;
  }

  let stampedLine: Row;
  let futureDebtorId: unknown;
  let debtorStamp: string;

  it('stores the future-stamped rows, keeps every watermark at AFAS’s clock, and warns', async () => {
    await sync();
    await expectAllEqual();

    const { control } = fixture;
    const lines = await control.export('Profit_Transactions');
    stampedLine = lines.filter((line) => line.UnitId === 1)[50] as Row;
    await control.call('PATCH', 'journal-lines', {
      changes: [
        {
          key: { UnitId: stampedLine.UnitId, EntryNo: stampedLine.EntryNo, SeqNo: stampedLine.SeqNo },
          set: {},
          modified: BOOKING_DAY_STAMP,
        },
      ],
    });
    // A day ahead of AFAS: in the future for AFAS, two days in the past for the worker.
    debtorStamp = formatAfasFilterDateTime(new Date(afasNow().getTime() + DAY_MS));
    const [, , debtor] = await control.export('Profit_Debtor');
    futureDebtorId = debtor?.DebtorId;
    await control.call('POST', 'master/Profit_Debtor', {
      upsert: [{ DebtorId: futureDebtorId, DebtorName: 'Klok Vooruit BV' }],
      modified: `${debtorStamp}Z`,
    });

    const run = await sync();
    await expectAllEqual();

    // No watermark went past AFAS's clock plus the skew (five minutes; a minute of slack).
    const limit = formatAfasFilterDateTime(new Date(afasNow().getTime() + 6 * 60_000));
    const stored = await watermarks();
    expect([...stored.keys()]).toEqual(
      expect.arrayContaining(['debtors/0', 'journal_lines/1', 'journal_lines/2']),
    );
    for (const [scope, watermark] of stored) expect(watermark! <= limit, `${scope} ${watermark}`).toBe(true);

    const warnings = await fixture.app.runs.warningsOf(run.runId);
    const day = String(stampedLine.EntryDate).slice(0, 10);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          dataset: 'debtors',
          kind: 'future-modified',
          rowKey: `DebtorId=${JSON.stringify(futureDebtorId)}`,
          value: debtorStamp,
        }),
      ]),
    );
    const bookingDay = warnings.find(
      (warning) => warning.dataset === 'journal_lines' && warning.kind === 'future-modified',
    );
    expect(bookingDay?.rowKey).toContain(day);
    expect(bookingDay?.value).toBe(BOOKING_DAY_STAMP.slice(0, 19));
    expect((await fixture.app.runs.get(run.runId))?.status).toBe('succeeded');

    const shown = await runsCommand(run.runId);
    expect(shown).toMatch(/status\s+succeeded/);
    expect(shown).toContain('warnings (');
    expect(shown).toContain(`DebtorId=${JSON.stringify(futureDebtorId)}`);
    expect(shown).toContain(BOOKING_DAY_STAMP.slice(0, 19));
  });

  it('then reads ten updates, five deletes and five inserts made in AFAS', async () => {
    const { control } = fixture;
    const lines = (await control.export('Profit_Transactions')) as Row[];
    const keyOf = (line: Row) => ({ UnitId: line.UnitId, EntryNo: line.EntryNo, SeqNo: line.SeqNo });
    // One update lands on the future-stamped booking day: that day keeps its 2099 stamp in the
    // changed-days connector, so only re-reading it every run brings the change over.
    const sameDay = lines.find(
      (line) =>
        line.UnitId === stampedLine.UnitId &&
        line.EntryDate === stampedLine.EntryDate &&
        line.EntryNo !== stampedLine.EntryNo,
    );
    const updated = [sameDay ?? stampedLine, ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => lines[i * 61] as Row)];
    const deleted = [1, 2, 3, 4, 5].map((i) => lines[i * 61 + 30] as Row);
    await control.call('PATCH', 'journal-lines', {
      changes: updated.map((line, index) => ({
        key: keyOf(line),
        set: { Description: `bijgewerkt ${index}` },
      })),
    });
    await control.call('DELETE', 'journal-lines', { keys: deleted.map(keyOf) });
    for (const [index, unit] of [1, 2, 1, 2, 1].entries()) {
      await control.call('POST', 'journal-lines', {
        lines: [
          {
            UnitId: unit,
            JournalId: 'MEM',
            EntryDate: `2026-0${index + 2}-1${index}T00:00:00Z`,
            AccountNo: '4000',
            AmtDebit: 10 + index,
            AmtCredit: 0,
            Description: `nieuw ${index}`,
          },
        ],
      });
    }
    // Debtors: updates and inserts (a debtor deleted in AFAS leaves at the periodic reconcile).
    const debtors = await control.export('Profit_Debtor');
    await control.call('POST', 'master/Profit_Debtor', {
      upsert: [
        { DebtorId: debtors[0]?.DebtorId, DebtorName: 'Gewijzigd Een BV' },
        { DebtorId: debtors[5]?.DebtorId, DebtorName: 'Gewijzigd Twee BV' },
        { DebtorId: '88001', DebtorName: 'Nieuw Een BV' },
        { DebtorId: '88002', DebtorName: 'Nieuw Twee BV' },
      ],
    });

    const run = await sync();
    await expectAllEqual();
    expect(run.totals.deleted).toBeGreaterThanOrEqual(5);
    // The future-stamped rows are read again each run, and warned about again.
    const warnings = await fixture.app.runs.warningsOf(run.runId);
    expect(warnings.map((warning) => `${warning.dataset} ${warning.kind}`).sort()).toEqual([
      'debtors future-modified',
      'journal_lines future-modified',
    ]);
  });

  it('a watermark frozen before this guard is reset: everything changed since is read again', async () => {
    const { control } = fixture;
    // What a worker without the cap left behind.
    await fixture.db.pool.query(
      `UPDATE afas.sync_state SET watermark = $1 WHERE source = 'wm' AND dataset IN ('debtors', 'journal_lines')`,
      [BOOKING_DAY_STAMP.slice(0, 19)],
    );
    const lines = (await control.export('Profit_Transactions')) as Row[];
    const line = lines[Math.floor(lines.length * 0.6)] as Row;
    await control.call('PATCH', 'journal-lines', {
      changes: [
        {
          key: { UnitId: line.UnitId, EntryNo: line.EntryNo, SeqNo: line.SeqNo },
          set: { Description: 'na de bevriezing' },
        },
      ],
    });
    const [debtor] = await control.export('Profit_Debtor');
    await control.call('POST', 'master/Profit_Debtor', {
      upsert: [{ DebtorId: debtor?.DebtorId, DebtorName: 'Na De Bevriezing BV' }],
    });

    const healing = await sync();
    // Journal lines re-read every changed booking day in this very run.
    await expectTableEqualsSimulator(fixture.db.pool, fixture.control, fixture.afas, {
      source: 'wm',
      name: 'journal_lines',
      administrations: [1, 2],
    });
    const warnings = await fixture.app.runs.warningsOf(healing.runId);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dataset: 'journal_lines', kind: 'watermark-reset' }),
        expect.objectContaining({ dataset: 'debtors', kind: 'watermark-reset' }),
      ]),
    );
    // Debtors read from the frozen point this run; the reset makes the next run a full read.
    await sync();
    await expectAllEqual();
    const limit = formatAfasFilterDateTime(new Date(afasNow().getTime() + 6 * 60_000));
    for (const [scope, watermark] of await watermarks())
      expect(watermark! <= limit, `${scope} ${watermark}`).toBe(true);
  });
});
