// `npm run bench` end to end at a small scale: the real simulator, Temporal dev server, worker
// process and PostgreSQL, so the benchmark cannot rot. Figures are not judged here (speed and
// memory targets live in the benchmark itself); the test checks that every phase ran and reported.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const ROWS = 9_000; // 3 administrations × 3 years × 1,000 lines

describe('npm run bench', () => {
  const prefix = `afas_bench_test_${process.pid}`;
  const out = join(tmpdir(), `${prefix}.json`);

  afterAll(async () => {
    await rm(out, { force: true });
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    try {
      for (const suffix of ['raw', 'temporal', 'sync'])
        await admin.query(`DROP DATABASE IF EXISTS ${prefix}_${suffix} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });

  it('runs raw load, import, incremental, no-change and first sync, and writes every figure', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        `${inject('toolsDir')}bench/run.js`,
        ...['--rows', String(ROWS), '--runs', '1', '--out', out, '--db-prefix', prefix],
      ],
      { env: { ...process.env, BENCH_DATABASE_URL: inject('pgAdminUrl') }, timeout: 240_000 },
    );
    const report = JSON.parse(await readFile(out, 'utf8')) as {
      medians: Record<string, number> & {
        importCpu: Record<string, number>;
        firstSyncCpu: Record<string, number>;
        importTimeline: { beforeMs: number; pagingMs: number; afterMs: number; slotUse: number } | null;
      };
    };
    const figures = report.medians;
    expect(figures.rowsImported).toBe(ROWS);
    for (const figure of [
      'rawRowsPerSecond',
      'importRowsPerSecond',
      'ratio',
      'historyEvents',
      'importRequests',
      'changedDays',
      'incrementalRequests',
      'noChangeRequests',
      'firstSyncRowsPerSecond',
      'firstSyncRatio',
      'firstSyncHistoryEvents',
      'reconcileWallSeconds',
    ])
      expect(figures[figure], figure).toBeGreaterThan(0);
    // (r) the imported copy proves exact against the simulator's period balances.
    expect(figures.reconcileProblems).toBe(0);
    expect(figures.reconcileRatio).toBeLessThan(1);
    expect(stdout).toContain('(r) ledger proof of (b)');
    expect(stdout).toContain('n/a    (r) ≤ 0.1 × (b) wall time (judged at 1M rows)');
    expect(stdout).toMatch(/met {4}\(r\) the imported copy proves exact/);
    // A worker process with Temporal's native core is never this small; 0 would mean no reading.
    expect(figures.workerPeakRssMb).toBeGreaterThan(50);
    expect(figures.importCpu.worker).toBeGreaterThan(0);
    expect(figures.importCpu.postgres).toBeGreaterThan(0);
    // (e) ran in its own worker process on its own database.
    expect(figures.firstSyncPeakRssMb).toBeGreaterThan(50);
    expect(figures.firstSyncCpu.worker).toBeGreaterThan(0);
    expect(stdout).toContain('(e) first sync (syncSource)');
    expect(stdout).toContain('n/a    (e) ≥ 0.9 × (b) rows/s (judged at 1M rows)');
    // The import's timeline from its history: planning, paging the partitions, finishing.
    expect(figures.importTimeline?.beforeMs).toBeGreaterThan(0);
    expect(figures.importTimeline?.pagingMs).toBeGreaterThan(0);
    expect(figures.importTimeline?.afterMs).toBeGreaterThan(0);
    expect(figures.importTimeline?.slotUse).toBeGreaterThan(0);
    expect(figures.importTimeline?.slotUse).toBeLessThanOrEqual(1);
    expect(stdout).toMatch(/planning \d+\.\d\d s, paging \d+\.\d\d s \(slots \d+% busy\), finishing/);
    expect(stdout).toContain('(b) historical import (Temporal)');
    expect(stdout).toMatch(/met {4}worker peak RSS ≤ 300 MB|MISSED worker peak RSS ≤ 300 MB/);
    // Throughput targets are defined at 1M rows; a small run says so instead of judging.
    expect(stdout).toContain('n/a    (b) ≥ 40,000 rows/s (judged at 1M rows)');
  });

  it('refuses bad arguments with one line naming the option', async () => {
    const failure = await run(process.execPath, [`${inject('toolsDir')}bench/run.js`, '--rows', '0']).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toBe('bench: --rows must be a whole number from 1 to 50000000\n');
  });
});
