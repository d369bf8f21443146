// Historical import end to end: real Temporal dev server, PostgreSQL and the simulator over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importProgress, startImport } from '../../src/client/import-control.js';
import { startSync } from '../../src/client/sync-control.js';
import { AfasPhase } from '../../src/temporal/search-attributes.js';
import { importWorkflowId } from '../../src/workflows/definitions.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import { startTestWorker } from '../helpers/temporal.js';
import {
  eventually,
  partitionOfRequest,
  partitions,
  recordHistories,
  requestLog,
  setupImportEnv,
  tableCount,
  THIS_YEAR,
  type ImportTestEnv,
} from './support.js';

const ADMINISTRATIONS = [1, 3];
const LINES_PER_YEAR = 600;
const PAGE_SIZE = 20;
const ROW_LIMIT = 30;
const REQUESTS_PER_MINUTE = 2_400;

describe('historical import: 3 years × 2 exposed administrations', () => {
  let env: ImportTestEnv;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;

  beforeAll(async () => {
    env = await setupImportEnv({
      // Three administrations exist; the source's App connector (Finstack_ set) exposes 1 and 3.
      simulator: {
        seed: 11,
        administrations: 3,
        years: [THIS_YEAR - 2, THIS_YEAR - 1, THIS_YEAR],
        linesPerYear: LINES_PER_YEAR,
        finstackAdministrationIds: ADMINISTRATIONS,
      },
      connectorPrefix: 'Finstack_',
      maxConcurrency: 3,
    });
    worker = await startTestWorker(env.temporal, env.app);
  });

  afterAll(async () => {
    await worker?.stop();
    await env?.close();
  });

  it('imports every journal line exactly, pages politely, continues as new, and hands the watermark to the sync', async () => {
    const handle = await startImport(env.target, env.source, {
      fromYear: THIS_YEAR - 2,
      pageSize: PAGE_SIZE,
      partitionRowLimit: ROW_LIMIT,
      maxPagesPerActivity: 2,
      requestsPerMinute: REQUESTS_PER_MINUTE,
      heartbeatTimeoutSeconds: 5,
      retryInitialSeconds: 1,
    });
    expect(handle.workflowId).toBe(importWorkflowId(env.source));

    // A sync started while the import runs steps aside.
    await eventually(
      'the import row to be active',
      async () => (await env.store.active(env.source, 60_000)) ?? undefined,
    );
    const sync = await startSync(env.target, env.source, {
      heartbeatTimeoutSeconds: 5,
      retryInitialSeconds: 1,
      retryMaximumSeconds: 2,
    });
    const skipped = await sync.result();
    expect(skipped.status).toBe('skipped');
    expect(skipped.reason).toMatch(/historical import .* is (planning|running)/);
    expect(await env.app.runs.list(env.source)).toEqual([
      expect.objectContaining({ kind: 'import', status: 'running' }),
    ]);

    // Operators find running imports by kind and phase.
    await eventually('the import listed as importing', async () => {
      for await (const execution of env.temporal.client.workflow.list({
        query: `AfasWorkflowKind = 'import' AND AfasSource = '${env.source}' AND AfasPhase = 'importing'`,
      })) {
        if (execution.workflowId === handle.workflowId) return true;
      }
      return undefined;
    });

    const seen: { done: number; total: number; rows: number }[] = [];
    const poller = (async () => {
      for (;;) {
        const progress = await importProgress(env.target, env.source).catch(() => undefined);
        if (progress)
          seen.push({
            done: progress.partitions.done,
            total: progress.partitions.total,
            rows: progress.rows,
          });
        if (progress?.phase === 'done' || progress?.phase === 'failed') return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const result = await handle.result();
    await poller;

    expect(result.status).toBe('succeeded');
    const expectedRows = ADMINISTRATIONS.length * 3 * LINES_PER_YEAR;
    expect(result.rows).toBe(expectedRows);
    // 2 administrations × 3 years × (12 periods + "other periods").
    expect(result.partitions).toMatchObject({ total: 78, done: 78, failed: 0, running: 0, pending: 0 });

    // Equal to the simulator: raw rows of the exposed administrations, counts and typed checksum.
    const check = await expectTableEqualsSimulator(env.db.pool, env.control, env.afas, {
      source: env.source,
      name: 'journal_lines',
      prefix: 'Finstack_',
      administrations: ADMINISTRATIONS,
    });
    expect(check.rows).toBe(expectedRows);
    const hidden = await env.db.pool.query(
      `SELECT count(*)::int AS n FROM afas.journal_lines WHERE _administration = 2`,
    );
    expect(hidden.rows[0]).toEqual({ n: 0 });
    // The import leaves fresh planner statistics, so the next sync's plans see the real table.
    const analyzed = await env.db.pool.query<{ analyzed: boolean }>(
      `SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables
        WHERE schemaname = 'afas' AND relname = 'journal_lines'`,
    );
    expect(analyzed.rows[0]).toEqual({ analyzed: true });
    const statistics = await env.db.pool.query<{ attname: string }>(
      `SELECT attname FROM pg_stats WHERE schemaname = 'afas' AND tablename = 'journal_lines' ORDER BY attname`,
    );
    // The syncs' own columns and those the ledger proof groups by; not the raw jsonb.
    expect(statistics.rows.map((row) => row.attname)).toEqual(
      [
        'AccountNo',
        'AmtCredit',
        'AmtDebit',
        'EntryNo',
        'Period',
        'SeqNo',
        'UnitId',
        'Year',
        '_administration',
        '_deleted_at',
        '_entry_day',
        '_source',
      ].sort(),
    );

    // Partition counts are exact (each page counted once) and add up to the table.
    const importId = result.importId as string;
    const parts = await partitions(env, importId);
    expect(parts.every((p) => p.status === 'done' && p.cursor === null)).toBe(true);
    expect(parts.reduce((sum, p) => sum + p.rows, 0)).toBe(await tableCount(env, ADMINISTRATIONS));
    // Partitions larger than the row limit continued as new key ranges.
    expect(parts.some((p) => p.segments > 1)).toBe(true);

    // Every journal-line request: sorted on the keys, small pages, skip below the row limit, one partition.
    const requests = await requestLog(env.control, 'Finstack_Transactions');
    expect(requests.length).toBeGreaterThan(150);
    for (const request of requests) {
      expect(request.query.orderbyfieldids).toBe('UnitId,EntryNo,SeqNo');
      expect(Number(request.query.take)).toBeLessThanOrEqual(PAGE_SIZE);
      expect(Number(request.query.skip)).toBeLessThan(ROW_LIMIT);
      expect(partitionOfRequest(request)).not.toBeNull();
    }
    // Paced: requests of the whole import (all activities) no faster than requestsPerMinute.
    const stamps = requests.map((request) => Date.parse(request.timestamp)).sort((a, b) => a - b);
    const spanMs = (stamps[stamps.length - 1] ?? 0) - (stamps[0] ?? 0);
    expect(spanMs).toBeGreaterThanOrEqual((stamps.length - 1) * (60_000 / REQUESTS_PER_MINUTE) * 0.9);

    // Progress was consistent all along and ends equal to the database.
    expect(seen.length).toBeGreaterThan(3);
    for (const sample of seen) expect(sample.done).toBeLessThanOrEqual(sample.total);
    for (let index = 1; index < seen.length; index++) {
      const [before, after] = [seen[index - 1], seen[index]];
      if (before && after && after.total === before.total) {
        expect(after.done).toBeGreaterThanOrEqual(before.done);
        expect(after.rows).toBeGreaterThanOrEqual(before.rows);
      }
    }
    const final = await importProgress(env.target, env.source);
    expect(final).toMatchObject({
      phase: 'done',
      status: 'succeeded',
      rows: expectedRows,
      paused: false,
      etaSeconds: 0,
    });
    expect(final?.partitions).toMatchObject({ total: 78, done: 78, running: 0, failed: 0 });

    // Continue-as-new happened (test server suggests it at 400 events) and the first run says so.
    expect(result.workflowRuns).toBeGreaterThan(1);
    const first = await env.temporal.client.workflow
      .getHandle(handle.workflowId, handle.firstExecutionRunId)
      .describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    const last = await handle.describe();
    expect(last.status.name).toBe('COMPLETED');
    expect(last.historyLength).toBeLessThan(1000);
    expect(last.typedSearchAttributes.get(AfasPhase)).toBe('done');

    // Run log: kind import, per-administration counts; import row closed.
    const run = await env.app.runs.get(result.runId);
    expect(run).toMatchObject({ kind: 'import', status: 'succeeded' });
    const datasets = (await env.app.runs.datasetsOf(result.runId)).filter(
      (d) => d.dataset === 'journal_lines',
    );
    expect(datasets.map((d) => [d.administration, d.status, d.rowsInserted])).toEqual(
      ADMINISTRATIONS.map((admin) => [admin, 'succeeded', 3 * LINES_PER_YEAR]),
    );
    expect(await env.store.get(importId)).toMatchObject({ status: 'succeeded', attempts: 1 });

    // The journal-line watermark is the newest change when the import started.
    const changed = await env.control.export('Finstack_Fin_ChangedEntrydate');
    const newest = changed
      .map((row) => String(row.Modified).slice(0, 19))
      .sort()
      .pop();
    expect(result.watermark).toBe(newest);
    for (const administration of ADMINISTRATIONS) {
      const state = await env.app.state.get(env.db.pool, env.source, 'journal_lines', administration);
      expect(state.watermark).toBe(newest);
    }

    const recorded = await recordHistories(env, handle, 'historical-import');
    if (process.env.RECORD_HISTORIES === '1') expect(recorded).toBe(result.workflowRuns);
  });
});
