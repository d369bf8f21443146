// (e) A new user's first sync: `afas-sync sync` (the syncSource workflow) of the whole environment
// into a fresh database, through its own worker process, in the same run as (a) and (b).
import type { Client } from '@temporalio/client';
import { contextFor } from '../../src/app/context.js';
import { startSync } from '../../src/client/sync-control.js';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { cpuBetween, cpuSnapshot, formatCpu, type CpuSeconds } from './cpu.js';
import { activityTimes, formatActivityTimes } from './history-profile.js';
import { formatMemory, sampleMemory } from './memory-sampler.js';
import type { ChildHandle } from './processes.js';

export interface FirstSyncFigures {
  /** Live journal lines after the sync. */
  rows: number;
  wallSeconds: number;
  rowsPerSecond: number;
  workerPeakRssMb: number;
  historyEvents: number;
  cpu: CpuSeconds;
}

export interface FirstSyncSetup {
  /** A fresh, empty database for the sync. */
  databaseUrl: string;
  keyHex: string;
  source: { baseUrl: string; token: string; maxConcurrency: number };
  client: Client;
  /** Starts a worker process on `databaseUrl` polling `taskQueue`, serving /metrics on `metricsPort`. */
  startWorker(databaseUrl: string, taskQueue: string, metricsPort: number): Promise<ChildHandle>;
  metricsPort: number;
  /** CHECKPOINT and sync, as before every timed load. */
  settle(): Promise<void>;
  pids: { simulator: number | undefined; temporal: number | undefined; bench: number };
  log(message: string): void;
}

const TASK_QUEUE = 'afas-bench-first-sync';

export async function firstSync(setup: FirstSyncSetup): Promise<FirstSyncFigures> {
  const pool = createPool(setup.databaseUrl, 2);
  const worker = await setup.startWorker(setup.databaseUrl, TASK_QUEUE, setup.metricsPort);
  try {
    await migrate(pool, 'afas');
    const app = contextFor(pool, {
      dbSchema: 'afas',
      secretKey: parseSecretKey(setup.keyHex, 'bench key'),
      previousSecretKeys: [],
    });
    await app.sources.add({
      name: 'bench',
      environmentId: '1',
      environmentType: 'test',
      ...setup.source,
    });
    setup.log('first sync of the whole environment (syncSource) into a fresh database');
    await setup.settle();
    const memory = sampleMemory(`http://127.0.0.1:${setup.metricsPort}/metrics`);
    const cpuBefore = await cpuSnapshot();
    const started = performance.now();
    const handle = await startSync({ client: setup.client, taskQueue: TASK_QUEUE }, 'bench');
    const result = await handle.result();
    const wallMs = performance.now() - started;
    const cpu = cpuBetween(cpuBefore, await cpuSnapshot(), { worker: worker.child.pid, ...setup.pids });
    const memoryAtPeak = (await memory.stop()).atPeakRss;
    setup.log(`worker memory at its peak during the first sync: ${formatMemory(memoryAtPeak)}`);
    if (result.status !== 'succeeded')
      throw new Error(`first sync ended ${result.status}: ${result.error ?? ''}`);
    const rows = Number(
      (
        await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM afas.journal_lines WHERE _deleted_at IS NULL`,
        )
      ).rows[0]?.n ?? 0,
    );
    const history = await handle.fetchHistory();
    const figures: FirstSyncFigures = {
      rows,
      wallSeconds: Math.round(wallMs / 10) / 100,
      rowsPerSecond: Math.round(rows / (wallMs / 1000)),
      workerPeakRssMb: Math.round((await worker.peakRss()) / 1024 / 102.4) / 10,
      historyEvents: history.events?.length ?? 0,
      cpu,
    };
    setup.log(
      `first sync: ${rows} rows in ${figures.wallSeconds} s, ${figures.historyEvents} history events; CPU ${formatCpu(cpu)}`,
    );
    // Where the time went: the same per-activity sums the import's and the syncs' lines print.
    setup.log(`first sync activities: ${formatActivityTimes(activityTimes(history.events ?? []))}`);
    return figures;
  } finally {
    await worker.stop();
    await pool.end();
  }
}
