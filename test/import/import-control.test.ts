// Operating an import through the client API: pause, resume, concurrency, cancel, restart; and
// changes made in AFAS while it runs, which the next incremental sync picks up.
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelImport,
  importProgress,
  pauseImport,
  resumeImport,
  setImportConcurrency,
  startImport,
  type ImportOptions,
} from '../../src/client/import-control.js';
import { startSync } from '../../src/client/sync-control.js';
import type { ImportProgress } from '../../src/workflows/definitions.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import { startTestWorker } from '../helpers/temporal.js';
import {
  eventually,
  partitionOfRequest,
  partitions,
  requestLog,
  setupImportEnv,
  tableCount,
  THIS_YEAR,
  type ImportTestEnv,
} from './support.js';

const ADMINISTRATIONS = [1, 2];
const OPTIONS: ImportOptions = {
  fromYear: THIS_YEAR - 1,
  pageSize: 20,
  maxConcurrency: 2,
  requestsPerMinute: 1_200,
  heartbeatTimeoutSeconds: 3,
  retryInitialSeconds: 1,
};

interface Line {
  UnitId: number;
  EntryNo: number;
  SeqNo: number;
  JournalId: string;
  Description: string | null;
}

describe('historical import: pause, resume, cancel, restart, and changes while it runs', () => {
  let env: ImportTestEnv;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  const progressSamples: ImportProgress[] = [];

  beforeAll(async () => {
    env = await setupImportEnv({
      simulator: { seed: 5, administrations: 2, years: [THIS_YEAR - 1, THIS_YEAR], linesPerYear: 480 },
      maxConcurrency: 4,
    });
    worker = await startTestWorker(env.temporal, env.app);
  });

  afterAll(async () => {
    await worker?.stop();
    await env?.close();
  });

  async function progress(): Promise<ImportProgress> {
    const value = await importProgress(env.target, env.source);
    if (!value) throw new Error('no import progress');
    progressSamples.push(value);
    return value;
  }

  async function linesOf(administration: number, year: number, period: number): Promise<Line[]> {
    const result = await env.db.pool.query<{ raw: Line }>(
      `SELECT _raw AS raw FROM afas.journal_lines WHERE _source = $1 AND _administration = $2 AND "Year" = $3 AND "Period" = $4
          AND _deleted_at IS NULL
        ORDER BY "EntryNo", "SeqNo"`,
      [env.source, administration, year, period],
    );
    return result.rows.map((row) => row.raw);
  }

  it('pauses, resumes, validates concurrency, cancels keeping committed partitions, and resumes without refetching them', async () => {
    const first = await startImport(env.target, env.source, OPTIONS);
    await eventually('6 partitions done', async () =>
      (await progress()).partitions.done >= 6 ? true : undefined,
    );

    // Changes in AFAS while the import runs, in a partition that is already done.
    const done = (await partitions(env, (await progress()).importId as string)).filter(
      (p) => p.status === 'done' && p.period !== null,
    );
    const target = done[0];
    if (!target || target.period === null) throw new Error('no finished period partition');
    const lines = await linesOf(target.administration, target.year, target.period);
    const changed = lines[0] as Line;
    const removed = lines.find((line) => line.EntryNo !== changed.EntryNo) as Line;
    await env.control.call('PATCH', 'journal-lines', {
      changes: [
        {
          key: { UnitId: changed.UnitId, EntryNo: changed.EntryNo, SeqNo: changed.SeqNo },
          set: { Description: 'changed during the import' },
        },
      ],
    });
    await env.control.call('DELETE', 'journal-lines', {
      entries: [{ UnitId: removed.UnitId, EntryNo: removed.EntryNo }],
    });
    const day = `${target.year}-${String(target.period).padStart(2, '0')}-14T00:00:00`;
    const added = await env.control.call<{ added: number }>('POST', 'journal-lines', {
      lines: [
        {
          UnitId: target.administration,
          EntryDate: day,
          JournalId: changed.JournalId,
          AccountNo: '4100',
          AmtDebit: 12.5,
          Description: 'added during the import',
        },
        {
          UnitId: target.administration,
          EntryDate: day,
          JournalId: changed.JournalId,
          AccountNo: '1500',
          AmtCredit: 12.5,
          Description: 'added during the import',
        },
      ],
    });
    expect(added.added).toBe(2);

    // Pause: running chunks finish, nothing new starts, no AFAS requests while paused.
    await pauseImport(env.target, env.source);
    const paused = await eventually('the import to be paused and idle', async () => {
      const value = await progress();
      return value.paused && value.partitions.running === 0 ? value : undefined;
    });
    const requestsAtPause = (await requestLog(env.control, 'Profit_Transactions')).length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const stillPaused = await progress();
    expect(stillPaused.partitions.done).toBe(paused.partitions.done);
    expect((await requestLog(env.control, 'Profit_Transactions')).length).toBe(requestsAtPause);
    const listed = await eventually('the paused phase in visibility', async () => {
      for await (const execution of env.temporal.client.workflow.list({
        query: `AfasSource = '${env.source}' AND AfasPhase = 'paused'`,
      })) {
        return execution.workflowId;
      }
      return undefined;
    });
    expect(listed).toBe(first.workflowId);

    // Concurrency: 1..5 only, validated before anything is written to history.
    await expect(setImportConcurrency(env.target, env.source, 0)).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );
    await expect(setImportConcurrency(env.target, env.source, 6)).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/from 1 to 5/) as unknown },
    });
    expect(await setImportConcurrency(env.target, env.source, 3)).toBe(3);
    expect((await progress()).concurrency).toBe(3);

    await resumeImport(env.target, env.source);
    await eventually('progress after resume', async () =>
      (await progress()).partitions.done >= paused.partitions.done + 8 ? true : undefined,
    );

    // Cancel: stops promptly, keeps what is committed, leaves the rest pending.
    const cancelRequestedAt = Date.now();
    await cancelImport(env.target, env.source);
    const failure = await first.result().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(Date.now() - cancelRequestedAt).toBeLessThan(15_000);
    const cancelledAt = new Date();
    const afterCancel = await progress();
    expect(afterCancel).toMatchObject({ phase: 'cancelled', status: 'cancelled' });
    const importId = afterCancel.importId as string;
    expect(await env.store.get(importId)).toMatchObject({ status: 'cancelled' });
    expect(await env.store.active(env.source, 60_000)).toBeUndefined();
    const cancelledParts = await partitions(env, importId);
    expect(cancelledParts.some((p) => p.status === 'running')).toBe(false);
    const doneBeforeCancel = new Set(cancelledParts.filter((p) => p.status === 'done').map((p) => p.key));
    expect(doneBeforeCancel.size).toBeGreaterThanOrEqual(paused.partitions.done + 8);
    expect(doneBeforeCancel.size).toBeLessThan(cancelledParts.length);
    expect(await env.app.runs.get(afterCancel.runId as string)).toMatchObject({
      kind: 'import',
      status: 'cancelled',
    });

    // Restart: the same import resumes; finished partitions are not fetched again.
    const second = await startImport(env.target, env.source, OPTIONS);
    expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
    const result = await second.result();
    expect(result.status).toBe('succeeded');
    expect(result.importId).toBe(importId);
    expect(await env.store.get(importId)).toMatchObject({ status: 'succeeded', attempts: 2 });
    const refetched = (await requestLog(env.control, 'Profit_Transactions')).filter(
      (request) =>
        Date.parse(request.timestamp) > cancelledAt.getTime() &&
        doneBeforeCancel.has(partitionOfRequest(request) ?? ''),
    );
    expect(refetched).toEqual([]);

    // Progress stayed consistent and ends equal to the database.
    for (const sample of progressSamples) {
      expect(sample.partitions.done + sample.partitions.failed).toBeLessThanOrEqual(sample.partitions.total);
      expect(sample.rows).toBeGreaterThanOrEqual(0);
    }
    const final = await progress();
    expect(final).toMatchObject({ phase: 'done', status: 'succeeded', importId });
    const finalParts = await partitions(env, importId);
    expect(final.rows).toBe(finalParts.reduce((sum, p) => sum + p.rows, 0));
    expect(final.partitions).toMatchObject({
      total: finalParts.length,
      done: finalParts.length,
      failed: 0,
      running: 0,
    });

    // An entry removed in an already imported partition leaves that period's lines off AFAS's
    // period balances, so the import's ledger proof re-read the period: both changes are in.
    expect(result.ledger?.periodsRepaired).toBeGreaterThanOrEqual(1);
    const healed = await linesOf(target.administration, target.year, target.period);
    expect(
      healed.find((line) => line.EntryNo === changed.EntryNo && line.SeqNo === changed.SeqNo)?.Description,
    ).toBe('changed during the import');
    expect(healed.some((line) => line.EntryNo === removed.EntryNo)).toBe(false);
    expect(healed.filter((line) => line.Description === 'added during the import')).toHaveLength(2);
    // The import read the rows as they were; the repair then added two and deleted the removed entry's.
    const removedLines = lines.filter((line) => line.EntryNo === removed.EntryNo).length;
    expect(await tableCount(env, ADMINISTRATIONS)).toBe(final.rows + 2 - removedLines);
  });

  it('after the import the copy equals AFAS, and the next incremental sync has nothing left to write', async () => {
    const sync = await startSync(env.target, env.source, {
      heartbeatTimeoutSeconds: 5,
      retryInitialSeconds: 1,
      retryMaximumSeconds: 2,
    });
    const result = await sync.result();
    expect(result.status).toBe('succeeded');
    await expectTableEqualsSimulator(env.db.pool, env.control, env.afas, {
      source: env.source,
      name: 'journal_lines',
      prefix: 'Profit_',
      administrations: ADMINISTRATIONS,
    });
    // The import's ledger proof re-read the changed period and recorded its days as replaced at
    // their change stamps: the sync re-reads none of them, and writes no journal line.
    const journal = (await env.app.runs.datasetsOf(result.runId)).filter(
      (d) => d.dataset === 'journal_lines',
    );
    const touched = journal.reduce((sum, d) => sum + d.rowsInserted + d.rowsUpdated + d.rowsDeleted, 0);
    expect(touched).toBe(0);
  });

  it('an import over a table that has every row merges instead of appending: nothing inserted or rewritten', async () => {
    const handle = await startImport(env.target, env.source, { ...OPTIONS, requestsPerMinute: 6_000 });
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    const journal = (await env.app.runs.datasetsOf(result.runId)).filter(
      (d) => d.dataset === 'journal_lines',
    );
    expect(journal.map((d) => [d.administration, d.status, d.rowsInserted, d.rowsUpdated])).toEqual(
      ADMINISTRATIONS.map((administration) => [administration, 'succeeded', 0, 0]),
    );
    const rewritten = await env.db.pool.query(
      `SELECT count(*)::int AS n FROM afas.journal_lines WHERE _source = $1 AND _run_id = $2`,
      [env.source, result.runId],
    );
    expect(rewritten.rows[0]).toEqual({ n: 0 });
    expect(result.rows).toBe(await tableCount(env, ADMINISTRATIONS));
    await expectTableEqualsSimulator(env.db.pool, env.control, env.afas, {
      source: env.source,
      name: 'journal_lines',
      prefix: 'Profit_',
      administrations: ADMINISTRATIONS,
    });
  });
});
