// `npm run bench:fleet` end to end at S=4, W=2 with an 8 s interval: one simulator process serving
// four environments, the Temporal dev server, two worker processes and PostgreSQL, so the fleet
// benchmark cannot rot. Speed is not judged here; the test checks that every phase ran, that the
// figures were measured, and that the run was clean (nothing failed, stuck, inexact or over a limit).
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { dropToolDatabase } from '../helpers/tool-database.js';
import type { FleetReport } from '../../tools/fleet/report.js';

const run = promisify(execFile);

describe('npm run bench:fleet', () => {
  const database = `afas_bench_fleet_test_${process.pid}`;
  const out = join(tmpdir(), `${database}.json`);

  afterAll(async () => {
    await rm(out, { force: true });
    await dropToolDatabase(database);
  });

  it('runs f1, f0, f2 and f3 over four environments and two workers, and reports every figure', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        `${inject('toolsDir')}fleet/run.js`,
        ...['--sources', '4', '--workers', '2', '--interval', '8s', '--rounds', '3'],
        ...['--sizes', '20,60', '--heartbeat-seconds', '5', '--down-ms', '300'],
        ...['--database', database, '--out', out],
      ],
      {
        env: {
          ...process.env,
          BENCH_DATABASE_URL: inject('pgAdminUrl'),
          // A killed worker's AFAS call places free after 3 s, and the pool bound is small enough
          // to mean something at four sources.
          AFAS_SYNC_AFAS_CALL_LEASE_SECONDS: '3',
          AFAS_SYNC_DB_POOL_SIZE: '6',
        },
        // ~70 s on a quiet machine; once, under a loaded full run, f3 took 60 s longer (not yet
        // explained; the figures of that run are not judged here), so the bench gets room for it.
        timeout: 175_000,
      },
    );
    const report = JSON.parse(await readFile(out, 'utf8')) as FleetReport;
    // Lines per administration-year 20/60 in turn, administrations 1/2/3 in turn, two years:
    // 20·1·2 + 60·2·2 + 20·3·2 + 60·1·2.
    expect(report.f1.journalLines).toBe(520);
    expect(report.f1.rowsInserted).toBeGreaterThan(520);
    expect(report.f0.seconds).toBeGreaterThan(0);
    // Three rounds of four sources; a tick may step aside for a sync that is still running.
    expect(report.f2.syncs).toBeGreaterThanOrEqual(8);
    expect(report.f2.syncs + report.f2.skippedTicks).toBeLessThanOrEqual(12);
    expect(report.f2.scheduleToDone.p50).toBeGreaterThan(0);
    expect(report.f2.scheduleToDone.max).toBeGreaterThanOrEqual(report.f2.scheduleToDone.p95);
    // The kill hit a round in flight, and that round still finished exactly.
    expect(report.f3.syncsRunningAtKill).toBeGreaterThanOrEqual(1);
    expect(report.f3.syncs).toBeGreaterThanOrEqual(4);
    expect(report.workerStarts).toEqual([2, 1]);
    expect({ failed: report.failed, stuck: report.stuck, inexact: report.inexact }).toEqual({
      failed: [],
      stuck: [],
      inexact: [],
    });
    expect(report.rowsVerified).toBeGreaterThan(520);
    expect(report.afasConcurrency.max).toBeGreaterThanOrEqual(1);
    expect(report.afasConcurrency.overLimit).toEqual([]);
    expect(report.postgres.poolSize).toBe(6);
    expect(report.postgres.bound).toBe(12);
    expect(report.postgres.maxConnections).toBeGreaterThan(0);
    expect(report.postgres.maxConnections).toBeLessThanOrEqual(12);
    // A worker with Temporal's native core is never this small; 0 would mean no reading.
    expect(report.workerPeakRssMb).toHaveLength(2);
    for (const mb of report.workerPeakRssMb) expect(mb).toBeGreaterThan(50);
    expect(report.historyEvents.perSyncMean).toBeGreaterThan(10);
    expect(report.historyEvents.runs).toBeGreaterThanOrEqual(4 + 1 + 8);
    expect(stdout).toContain('(f3) worker SIGKILLed');
    expect(stdout).toContain('met    no failed, stuck or inexact source');
    expect(stdout).toContain('met    no environment above its max concurrent calls');
    expect(stdout).toContain('met    f3 loses and duplicates nothing');
    expect(stdout).toMatch(/(met|MISSED) +f2 p95 schedule-to-done ≤ 4 × f0/);
  }, 180_000);

  it('refuses bad arguments with one line naming the option', async () => {
    const failure = await run(process.execPath, [`${inject('toolsDir')}fleet/run.js`, '--sources', '0']).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toBe('bench:fleet: --sources must be a whole number from 1 to 500\n');
  });
});
