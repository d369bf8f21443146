// Issue 18: proving the copy. Every sync and import ends by comparing the journal lines in
// PostgreSQL, rolled up per administration, year, period and account, with AFAS's own period
// balances; a differing period is re-read once, and what survives is flagged, never looped.
// `afas-sync verify` proves it on demand with exit codes 0/4/1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startImport } from '../../src/client/import-control.js';
import { startSync } from '../../src/client/sync-control.js';
import { ReconciliationStore } from '../../src/db/reconciliations.js';
import type { SyncOptions } from '../../src/workflows/sync-source.js';
import { ensureBuilt } from '../helpers/build.js';
import { runCli } from '../helpers/cli.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN_DATA = '1ED6E40123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789';
const TOKEN = `<token><version>1</version><data>${TOKEN_DATA}</data></token>`;
const SOURCE = 'ledger';
const IMPORTED = 'ledger-import';
const YEAR = 2025;
const SYNC_OPTIONS: SyncOptions = {
  heartbeatTimeoutSeconds: 10,
  retryInitialSeconds: 1,
  retryMaximumSeconds: 2,
};

describe('proving the copy against AFAS period balances', () => {
  let fixture: SyncFixture;
  const proofs = new ReconciliationStore('afas');

  beforeAll(async () => {
    [fixture] = await Promise.all([
      startSyncFixture({
        simulator: {
          seed: 18,
          administrations: 2,
          years: [YEAR],
          linesPerYear: 400,
          tokens: [{ token: TOKEN_DATA }],
        },
        sources: [
          { name: SOURCE, token: TOKEN },
          { name: IMPORTED, token: TOKEN },
          { name: 'never-synced', token: TOKEN },
        ],
      }),
      ensureBuilt(),
    ]);
  });
  afterAll(() => fixture?.close());

  const sync = async () => {
    const result = await (await startSync(fixture.target, SOURCE, SYNC_OPTIONS)).result();
    expect(result.status).toBe('succeeded');
    return result;
  };
  const importYear = () =>
    startImport(fixture.target, IMPORTED, {
      fromYear: YEAR,
      toYear: YEAR,
      heartbeatTimeoutSeconds: 10,
      retryInitialSeconds: 1,
    });
  const cli = (...args: string[]) => runCli(args, { env: { DATABASE_URL: fixture.db.url } });
  const verifyJson = async (...args: string[]) => {
    const result = await cli('verify', SOURCE, '--json', ...args);
    return { code: result.code, report: JSON.parse(result.stdout) as VerifyReport };
  };
  const transactionRequests = async () =>
    (await fixture.control.requests({ connector: 'Profit_Transactions' })).filter((entry) =>
      entry.path.includes('/connectors/'),
    );
  const flags = () =>
    fixture.db.pool
      .query<{
        administration: number;
        period: number;
        account: string;
        afas_debit: string;
        copy_debit: string;
      }>(
        `SELECT administration, period, account, afas_debit::text, copy_debit::text FROM afas.reconciliation_flags
          WHERE source = $1 ORDER BY 1, 2, 3`,
        [SOURCE],
      )
      .then((result) => result.rows);

  it('proves a clean sync exact, debtor and creditor lines counted on their collective accounts', async () => {
    const result = await sync();
    expect(result.ledger).toEqual({
      status: 'agrees',
      periodsChecked: 24,
      periodsDifferent: 0,
      periodsRepaired: 0,
      periodsHealed: 0,
      accountPeriodsFlagged: 0,
      accountPeriodsUnresolved: 0,
      unbalancedEntries: 0,
      linesOutside: 0,
      lastPeriod: `${YEAR}-12`,
    });
    // Without the roll-up it could not agree: no line is booked on 1300/1600 themselves, yet AFAS
    // has balances on them (the debtors' and creditors' lines).
    const collective = await fixture.db.pool.query<{ lines: string; balances: string }>(
      `SELECT (SELECT count(*) FROM afas.journal_lines WHERE _source = $1 AND "AccountNo" IN ('1300', '1600')) AS lines,
              (SELECT count(*) FROM afas.period_balances WHERE _source = $1 AND "AccountNr" IN ('1300', '1600')) AS balances`,
      [SOURCE],
    );
    expect(collective.rows[0]?.lines).toBe('0');
    expect(Number(collective.rows[0]?.balances)).toBeGreaterThan(0);
    const stored = await proofs.get(fixture.db.pool, result.runId);
    expect(stored).toMatchObject({
      source: SOURCE,
      status: 'agrees',
      periodsChecked: 24,
      lastPeriod: `${YEAR}-12`,
    });

    const verified = await cli('verify', SOURCE);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`periods checked, through ${YEAR}-12`);
    expect(verified.stdout).toContain('everything agrees');
    const shown = await cli('runs', SOURCE, '--run', result.runId);
    expect(shown.stdout).toContain(`ledger: reconciled through ${YEAR}-12`);
  });

  it('finds a line altered in PostgreSQL behind its back, names it, and the next sync heals it', async () => {
    const altered = await fixture.db.pool.query<{ administration: number; period: string; credit: string }>(
      `UPDATE afas.journal_lines SET "AmtCredit" = "AmtCredit" + 1
        WHERE (_source, _administration, "EntryNo", "SeqNo") = (
          SELECT _source, _administration, "EntryNo", "SeqNo" FROM afas.journal_lines
           WHERE _source = $1 AND "AccountNo" = '8000' AND "AmtCredit" > 0 AND _deleted_at IS NULL
           ORDER BY _administration, "EntryNo", "SeqNo" LIMIT 1)
        RETURNING _administration AS administration, "Period"::text AS period, "AmtCredit"::text AS credit`,
      [SOURCE],
    );
    const line = altered.rows[0];
    expect(line).toBeDefined();
    const named = await verifyJson();
    expect(named.code).toBe(4);
    expect(named.report.differences).toEqual([
      expect.objectContaining({
        administration: line?.administration,
        year: YEAR,
        period: Number(line?.period),
        account: '8000',
        side: 'credit',
        difference: '-1',
        state: 'differs',
      }),
    ]);
    const table = await cli('verify', SOURCE);
    expect(table.code).toBe(4);
    expect(table.stdout).toMatch(/admin\s+year\s+period\s+account\s+side\s+AFAS\s+PostgreSQL\s+difference/);
    expect(table.stdout).toMatch(/8000\s+credit\s+\S+\s+\S+\s+-1\s+differs/);

    await fixture.control.clearRequests();
    const healed = await sync();
    expect(healed.ledger).toMatchObject({
      status: 'agrees',
      periodsRepaired: 1,
      periodsHealed: 1,
      periodsDifferent: 0,
    });
    // The repair re-read that period of that administration from AFAS: one query.
    expect((await transactionRequests()).length).toBeGreaterThanOrEqual(1);
    expect((await verifyJson()).code).toBe(0);
    const shown = await cli('runs', SOURCE, '--run', healed.runId);
    expect(shown.stdout).toContain(`ledger: reconciled through ${YEAR}-12 (1 period(s) repaired)`);
    expect(shown.stdout).toMatch(/8000\s+credit\s+\S+\s+\S+\s+-1\s+healed/);
  });

  it('flags an inconsistency inside AFAS once, with both figures, and does not repair it again', async () => {
    const skew = { UnitId: 2, Year: YEAR, Period: 5, AccountNr: '1300' };
    await fixture.control.call('POST', 'period-balances', { skews: [{ ...skew, Debit: '7.50' }] });
    const first = await sync();
    expect(first.ledger).toMatchObject({
      status: 'differs',
      periodsRepaired: 1,
      periodsHealed: 0,
      periodsDifferent: 1,
      accountPeriodsFlagged: 1,
    });
    const [flag] = await flags();
    expect(flag).toMatchObject({ administration: 2, period: 5, account: '1300' });
    expect(Number(flag?.afas_debit) - Number(flag?.copy_debit)).toBeCloseTo(7.5, 6);
    expect(await proofs.latestPerSource(fixture.db.pool)).toContainEqual({
      source: SOURCE,
      status: 'differs',
      periodsDifferent: 1,
    });

    // Nothing changed in AFAS: the next sync reads no journal lines at all, the flag stays.
    await fixture.control.clearRequests();
    const second = await sync();
    expect(second.ledger).toMatchObject({ status: 'differs', periodsRepaired: 0, accountPeriodsFlagged: 1 });
    expect(await transactionRequests()).toEqual([]);
    const named = await verifyJson();
    expect(named.code).toBe(4);
    expect(named.report.differences).toEqual([
      expect.objectContaining({
        administration: 2,
        period: 5,
        account: '1300',
        side: 'debit',
        difference: '7.5',
        state: 'flagged',
      }),
    ]);

    // AFAS fixed: the next proof agrees and the flag is gone.
    await fixture.control.call('DELETE', 'period-balances');
    const fixed = await sync();
    expect(fixed.ledger).toMatchObject({ status: 'agrees', periodsDifferent: 0, periodsRepaired: 0 });
    expect(await flags()).toEqual([]);
  });

  it('reports an unbalanced entry (not a repair: AFAS holds it so)', async () => {
    const added = await fixture.control.call<{ keys: { UnitId: number; EntryNo: number }[] }>(
      'POST',
      'journal-lines',
      {
        lines: [
          {
            UnitId: 1,
            JournalId: '90',
            AccountNo: '8000',
            AmtCredit: 12.34,
            EntryDate: `${YEAR}-06-10T00:00:00Z`,
          },
        ],
      },
    );
    const entryNo = added.keys[0]?.EntryNo;
    const result = await sync();
    expect(result.ledger).toMatchObject({
      status: 'differs',
      unbalancedEntries: 1,
      periodsDifferent: 0,
      periodsRepaired: 0,
    });
    // The next sync re-reads none of its days, yet still reports it: carried from the last check.
    const again = await sync();
    expect(again.ledger).toMatchObject({ status: 'differs', unbalancedEntries: 1 });
    expect((await proofs.get(fixture.db.pool, again.runId))?.scope.changed?.entries).toEqual([
      { administration: 1, entryNo },
    ]);
    const named = await verifyJson();
    expect(named.code).toBe(4);
    expect(named.report.unbalanced).toEqual([{ administration: 1, entryNo, debit: '0', credit: '12.34' }]);
    const table = await cli('verify', SOURCE);
    expect(table.stdout).toContain('1 journal entr(y/ies) do not balance');
    await fixture.control.call('DELETE', 'journal-lines', { entries: [{ UnitId: 1, EntryNo: entryNo }] });
    expect((await sync()).ledger?.status).toBe('agrees');
  });

  it('a sync checks entries only where lines changed, each of them with all its lines', async () => {
    const added = await fixture.control.call<{ keys: { UnitId: number; EntryNo: number; SeqNo: number }[] }>(
      'POST',
      'journal-lines',
      {
        lines: [
          {
            UnitId: 2,
            JournalId: '90',
            AccountNo: '8000',
            AmtCredit: 25,
            EntryDate: `${YEAR}-03-03T00:00:00Z`,
          },
          {
            UnitId: 2,
            JournalId: '90',
            AccountNo: '8000',
            AmtDebit: 25,
            EntryDate: `${YEAR}-03-04T00:00:00Z`,
          },
        ],
      },
    );
    expect(new Set(added.keys.map((key) => key.EntryNo)).size).toBe(1);
    expect((await sync()).ledger).toMatchObject({ status: 'agrees', unbalancedEntries: 0 });
    // A sync's narrowed check also covers the days the run before it replaced: one more run first.
    expect((await sync()).ledger).toMatchObject({ status: 'agrees', unbalancedEntries: 0 });
    // Only the first line's day changes: the entry's other line, on a day not re-read, still counts.
    await fixture.control.call('PATCH', 'journal-lines', {
      changes: [{ key: added.keys[0], set: { Description: 'only this day changes' } }],
    });
    const narrowed = await sync();
    expect(narrowed.ledger).toMatchObject({ status: 'agrees', unbalancedEntries: 0, linesOutside: 0 });
    const record = await proofs.get(fixture.db.pool, narrowed.runId);
    expect(record?.scope).toMatchObject({ administrations: [1, 2], years: null, changed: { entries: [] } });
    // The days it narrowed to are those this sync replaced, and later: the day just changed is one.
    const since = record?.scope.changed?.replacedSince ?? '';
    const days = await fixture.db.pool.query<{ day: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM afas.changed_days_done
        WHERE source = $1 AND administration = 2 AND replaced_at >= $2`,
      [SOURCE, since],
    );
    expect(days.rows.map((row) => row.day)).toContain(`${YEAR}-03-03`);
    expect(days.rows.map((row) => row.day)).not.toContain(`${YEAR}-03-04`);
    await fixture.control.call('DELETE', 'journal-lines', {
      entries: [{ UnitId: 2, EntryNo: added.keys[0]?.EntryNo }],
    });
    expect((await sync()).ledger?.status).toBe('agrees');
  });

  it('verify: lines outside the exposed administrations differ; an unknown or never-synced source cannot be checked', async () => {
    const moved = await fixture.db.pool.query(
      `UPDATE afas.journal_lines SET _administration = 99
        WHERE (_source, _administration, "EntryNo", "SeqNo") = (
          SELECT _source, _administration, "EntryNo", "SeqNo" FROM afas.journal_lines
           WHERE _source = $1 AND _administration = 1 AND _deleted_at IS NULL ORDER BY "EntryNo" LIMIT 1)
        RETURNING "EntryNo", "SeqNo"`,
      [SOURCE],
    );
    expect(moved.rowCount).toBe(1);
    const outside = await verifyJson('--administration', '1');
    expect(outside.code).toBe(4);
    expect(outside.report).toMatchObject({ linesOutside: 1, outsideAdministrations: [99] });
    await fixture.db.pool.query(
      `UPDATE afas.journal_lines SET _administration = 1 WHERE _source = $1 AND _administration = 99`,
      [SOURCE],
    );
    const scoped = await verifyJson('--administration', '2', '--year', String(YEAR));
    expect(scoped.code).toBe(0);
    expect(scoped.report).toMatchObject({
      status: 'agrees',
      periodsChecked: 12,
      scope: { administrations: [2], years: [YEAR] },
    });

    const unknown = await cli('verify', 'nosuch');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nosuch');
    const never = await cli('verify', 'never-synced');
    expect(never.code).toBe(1);
    expect(never.stderr).toContain(
      'nothing to verify: "never-synced" has no journal lines or period balances',
    );
    const badYear = await cli('verify', SOURCE, '--year', '25');
    expect(badYear.code).toBe(2);
  });

  it('proves a historical import of the imported years, after reloading their period balances', async () => {
    const handle = await importYear();
    const imported = await handle.result();
    expect(imported.status).toBe('succeeded');
    expect(imported.ledger).toMatchObject({ status: 'agrees', periodsChecked: 24, periodsDifferent: 0 });
    const stored = await proofs.get(fixture.db.pool, imported.runId);
    // The simulator's journal is all of YEAR: the imported years hold every line, so the import
    // checked every entry, and the next sync checks only what changed since.
    expect(stored?.scope).toEqual({ administrations: [1, 2], years: [YEAR], coversEveryLine: true });
    const balances = await fixture.db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM afas.period_balances WHERE _source = $1 AND _deleted_at IS NULL`,
      [IMPORTED],
    );
    expect(Number(balances.rows[0]?.n)).toBeGreaterThan(0);
    const next = await (await startSync(fixture.target, IMPORTED, SYNC_OPTIONS)).result();
    expect(next.ledger).toMatchObject({ status: 'agrees', unbalancedEntries: 0 });
    const synced = await proofs.get(fixture.db.pool, next.runId);
    expect(synced?.scope.changed?.replacedSince).toBe(
      (
        await fixture.db.pool.query<{ started_at: Date }>(
          `SELECT started_at FROM afas.sync_runs WHERE run_id = $1`,
          [imported.runId],
        )
      ).rows[0]?.started_at.toISOString(),
    );

    // A line of another year makes the imported years no longer every line: the next check is whole.
    await fixture.db.pool.query(
      `UPDATE afas.journal_lines SET "Year" = "Year" - 1
        WHERE (_source, _administration, "EntryNo", "SeqNo") = (
          SELECT _source, _administration, "EntryNo", "SeqNo" FROM afas.journal_lines
           WHERE _source = $1 AND _deleted_at IS NULL ORDER BY 1, 2, 3, 4 LIMIT 1)`,
      [IMPORTED],
    );
    const again = await importYear();
    const reimported = await again.result();
    expect((await proofs.get(fixture.db.pool, reimported.runId))?.scope).toEqual({
      administrations: [1, 2],
      years: [YEAR],
    });
  });
});

interface VerifyReport {
  status: string;
  periodsChecked: number;
  scope: { administrations: number[] | null; years: number[] | null };
  differences: Record<string, unknown>[];
  unbalanced: Record<string, unknown>[];
  linesOutside: number;
  outsideAdministrations: number[];
}
