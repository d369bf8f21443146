// Issue 15, items 1 and 2: a row hard-deleted in AFAS is marked deleted after one sync (small
// scopes are read whole every run, large ones on the reconcile interval, `--full` now, and a
// `--full` asked for while a sync runs runs right after it); a whole read that would mark most of
// a scope deleted fails that dataset and changes nothing, unless the run allows it.
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSync, startSync, syncProgress } from '../../src/client/sync-control.js';
import { syncWorkflowId } from '../../src/workflows/definitions.js';
import type { SyncOptions } from '../../src/workflows/sync-source.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN_DATA = 'DE1E7E0123456789DE1E7E0123456789DE1E7E0123456789DE1E7E01234567';
const SOURCE = 'del';
const SYNC_OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };

describe('deletes after one sync, and the mass-delete guard', () => {
  let fixture: SyncFixture;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 15,
        administrations: 1,
        years: [2025],
        linesPerYear: 120,
        tokens: [{ token: TOKEN_DATA }],
      },
      sources: [{ name: SOURCE, token: `<token><version>1</version><data>${TOKEN_DATA}</data></token>` }],
    });
  });
  afterAll(() => fixture?.close());

  const sync = async (options: SyncOptions = {}) =>
    (await startSync(fixture.target, SOURCE, { ...SYNC_OPTIONS, ...options })).result();

  /** The debtor ids AFAS serves now, in key order. */
  const afasDebtors = async () =>
    (await fixture.control.export('Profit_Debtor')).map((row) => String(row.DebtorId));

  /** The id of the index-th debtor AFAS serves now. */
  const afasDebtor = async (index: number) => {
    const id = (await afasDebtors())[index];
    if (id === undefined) throw new Error(`AFAS serves no debtor number ${index}`);
    return id;
  };

  const deleteInAfas = (ids: readonly string[]) =>
    fixture.control.call('POST', 'master/Profit_Debtor', { delete: ids.map((id) => ({ DebtorId: id })) });

  const debtor = async (id: string) => {
    const result = await fixture.db.pool.query<{ deleted_at: Date | null; run_id: string }>(
      `SELECT _deleted_at AS deleted_at, _run_id AS run_id FROM afas.debtors WHERE _source = $1 AND "DebtorId" = $2`,
      [SOURCE, id],
    );
    const row = result.rows[0];
    if (!row) throw new Error(`debtor ${id} is not in PostgreSQL`);
    return row;
  };

  const liveDebtors = async () =>
    Number(
      (
        await fixture.db.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM afas.debtors WHERE _source = $1 AND _deleted_at IS NULL`,
          [SOURCE],
        )
      ).rows[0]?.n,
    );

  const debtorState = async () =>
    (
      await fixture.db.pool.query<{
        watermark: string | null;
        reconciled_rows: string | null;
        at: Date | null;
      }>(
        `SELECT watermark, reconciled_rows, last_reconciled_at AS at FROM afas.sync_state
          WHERE source = $1 AND dataset = 'debtors' AND administration = 0`,
        [SOURCE],
      )
    ).rows[0];

  /** Whether each debtor read since the last clearRequests() asked only for rows modified since a watermark. */
  const debtorReads = async () =>
    (await fixture.control.requests({ connector: 'Profit_Debtor' }))
      // Data pages only (not the connector's metainfo).
      .filter((entry) => entry.status === 200 && entry.path.includes('/connectors/'))
      .map((entry) => ((entry.query.filterfieldids ?? '').includes('ModifiedDate') ? 'changed' : 'whole'));

  const setDeletes = (settings: { fullReloadMaxRows?: number; reconcileIntervalSeconds?: number }) =>
    fixture.app.sources.update(SOURCE, settings);

  it('a debtor deleted in AFAS is marked deleted after one sync', async () => {
    expect((await sync()).status).toBe('succeeded');
    const gone = await afasDebtor(0);
    const kept = await afasDebtor(1);
    await deleteInAfas([gone]);

    const result = await sync();
    expect(result.status).toBe('succeeded');
    expect((await debtor(gone)).deleted_at).toBeInstanceOf(Date);
    expect((await debtor(gone)).run_id).toBe(result.runId);
    expect((await debtor(kept)).deleted_at).toBeNull();
    expect(await liveDebtors()).toBe((await afasDebtors()).length);
    // The whole read is recorded: what AFAS returned, and when (status shows it).
    expect(Number((await debtorState())?.reconciled_rows)).toBe((await afasDebtors()).length);
    const checks = await fixture.app.state.deleteChecks(fixture.db.pool, SOURCE);
    expect(checks.find((check) => check.dataset === 'debtors')?.lastReconciledAt).toBeInstanceOf(Date);
    expect(checks.find((check) => check.dataset === 'gl_accounts')?.lastReconciledAt).toBeInstanceOf(Date);
  });

  it('`sync --full` reads a large scope whole at once', async () => {
    // Above 5 rows the debtors count as large: read by watermark, reconciled hourly.
    await setDeletes({ fullReloadMaxRows: 5, reconcileIntervalSeconds: 3600 });
    expect((await sync()).status).toBe('succeeded');
    const gone = await afasDebtor(0);
    await deleteInAfas([gone]);
    await fixture.control.clearRequests();

    const requested = await requestSync(fixture.target, SOURCE, { full: true }, SYNC_OPTIONS);
    expect(requested.queued).toBe(false);
    const result = await requested.handle.result();
    expect(result.status).toBe('succeeded');
    expect(await debtorReads()).toEqual(['whole']);
    expect((await debtor(gone)).deleted_at).toBeInstanceOf(Date);
  });

  it('a large scope is read by its watermark, and whole once the reconcile interval has passed', async () => {
    const gone = await afasDebtor(0);
    await deleteInAfas([gone]);
    await fixture.control.clearRequests();

    expect((await sync()).status).toBe('succeeded');
    expect(await debtorReads()).toEqual(['changed']);
    expect((await debtor(gone)).deleted_at).toBeNull();

    // Two seconds after the last whole read (by the database's clock, which stamped it), it is due.
    await setDeletes({ reconcileIntervalSeconds: 2 });
    for (;;) {
      const age = await fixture.db.pool.query<{ seconds: number }>(
        `SELECT extract(epoch FROM now() - last_reconciled_at)::float8 AS seconds FROM afas.sync_state
          WHERE source = $1 AND dataset = 'debtors' AND administration = 0`,
        [SOURCE],
      );
      if ((age.rows[0]?.seconds ?? 0) >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await fixture.control.clearRequests();
    expect((await sync()).status).toBe('succeeded');
    expect(await debtorReads()).toEqual(['whole']);
    expect((await debtor(gone)).deleted_at).toBeInstanceOf(Date);
  });

  it('`sync --full` while a sync runs is queued and runs right after it', async () => {
    await setDeletes({ fullReloadMaxRows: 5, reconcileIntervalSeconds: 3600 });
    const gone = await afasDebtor(0);
    await deleteInAfas([gone]);
    // The journal-line phase of the running sync waits on a slow AFAS answer.
    await fixture.control.fault({
      kind: 'slow',
      connector: 'Profit_Fin_ChangedEntrydate',
      delayMs: 4_000,
      count: 1,
    });
    const running = await startSync(fixture.target, SOURCE, SYNC_OPTIONS);
    const firstRunId = await (async () => {
      for (;;) {
        const progress = await syncProgress(fixture.target, SOURCE).catch(() => undefined);
        // Past master data: this run has read the debtors by their watermark already.
        if (progress?.phase === 'journal_lines') return progress.runId;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const requested = await requestSync(fixture.target, SOURCE, { full: true }, SYNC_OPTIONS);
    expect(requested.queued).toBe(true);
    expect(requested.runId).toBe(running.firstExecutionRunId);
    const progress = await syncProgress(fixture.target, SOURCE);
    expect(progress?.queued).toEqual({ full: true });

    // The workflow continues as the full sync: its result is the queued run's.
    const result = await requested.handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.runId).not.toBe(firstRunId);
    const first = await fixture.app.runs.datasetsOf(firstRunId);
    expect(first.find((row) => row.dataset === 'debtors')?.rowsDeleted).toBe(0);
    const row = await debtor(gone);
    expect(row.deleted_at).toBeInstanceOf(Date);
    expect(row.run_id).toBe(result.runId);
    const runs = await fixture.app.runs.list(SOURCE, 2);
    expect(runs.map((run) => run.runId)).toEqual([result.runId, firstRunId]);
    if (process.env.RECORD_HISTORIES) {
      // The run that took the request and continued as the full sync: replayed by test/replay.
      const history = await fixture.temporal.client.workflow
        .getHandle(syncWorkflowId(SOURCE), running.firstExecutionRunId)
        .fetchHistory();
      await writeFile(
        new URL('../fixtures/histories/sync-source-queued.json', import.meta.url),
        `${historyToJSON(history)}\n`,
      );
    }
  });

  it('a reload that would mark most debtors deleted fails with the counts and changes nothing', async () => {
    await setDeletes({ fullReloadMaxRows: 20_000 });
    const before = await afasDebtors();
    expect(await liveDebtors()).toBe(before.length);
    const kept = before.slice(0, 40);
    await deleteInAfas(before.slice(40));
    const stateBefore = await debtorState();

    const result = await sync();
    expect(result.status).toBe('partial');
    const failure = result.failures.find((entry) => entry.dataset === 'debtors');
    expect(failure?.message).toContain(
      `AFAS returned ${kept.length} rows, PostgreSQL holds ${before.length} live`,
    );
    expect(result.failures.map((entry) => entry.dataset)).toEqual(['debtors']);
    expect(await liveDebtors()).toBe(before.length);
    expect(await debtorState()).toEqual(stateBefore);
    const recorded = await fixture.app.runs.datasetsOf(result.runId);
    expect(recorded.find((row) => row.dataset === 'debtors')).toMatchObject({
      status: 'failed',
      rowsDeleted: 0,
      errorClass: 'mass-delete',
    });
  });

  it('`sync --allow-mass-delete` applies it', async () => {
    const live = await liveDebtors();
    const requested = await requestSync(fixture.target, SOURCE, { allowMassDelete: true }, SYNC_OPTIONS);
    const result = await requested.handle.result();
    expect(result.status).toBe('succeeded');
    expect(await liveDebtors()).toBe((await afasDebtors()).length);
    expect(result.totals.deleted).toBe(live - (await afasDebtors()).length);
  });
});
