// The worker process is SIGKILLed three times during an import and restarted each time: the
// import completes with exact data, no duplicates, exact counts, and no finished partition is
// fetched from AFAS again.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { importProgress, startImport } from '../../src/client/import-control.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
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
const LINES_PER_YEAR = 720;
const SECRET_KEY_HEX = '11'.repeat(32); // TEST_SECRET_KEY of test/helpers/temporal.ts

interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<void>;
}

describe('historical import survives SIGKILLed workers', () => {
  let env: ImportTestEnv;
  let current: WorkerProcess | undefined;
  const logs: string[] = [];

  beforeAll(async () => {
    env = await setupImportEnv({
      simulator: {
        seed: 23,
        administrations: 2,
        years: [THIS_YEAR - 2, THIS_YEAR - 1, THIS_YEAR],
        linesPerYear: LINES_PER_YEAR,
      },
      maxConcurrency: 3,
    });
  });

  afterAll(async () => {
    if (current && current.child.exitCode === null && current.child.signalCode === null) {
      current.child.kill('SIGTERM');
      await current.exited;
    }
    await env?.close();
  });

  /** `node dist/worker.js` on the test's task queue and database; resolves once it polls. */
  async function startWorkerProcess(): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [`${inject('distDir')}worker.js`], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: env.temporal.taskQueue,
        DATABASE_URL: env.db.url,
        AFAS_SYNC_SECRET_KEY: SECRET_KEY_HEX,
        AFAS_SYNC_SHUTDOWN_GRACE_SECONDS: '1',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let ready: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output.push(text);
      logs.push(text);
      if (text.includes('worker started')) ready();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const outcome = await Promise.race([
      started.then(() => 'ready' as const),
      exited.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000)),
    ]);
    if (outcome !== 'ready')
      throw new Error(`worker process did not start (${outcome}): ${output.join('').slice(-2_000)}`);
    return { child, output, exited };
  }

  async function kill(worker: WorkerProcess): Promise<void> {
    worker.child.kill('SIGKILL');
    await worker.exited;
    expect(worker.child.signalCode).toBe('SIGKILL');
  }

  it('completes exactly after three kills at different points', async () => {
    current = await startWorkerProcess();
    const handle = await startImport(env.target, env.source, {
      fromYear: THIS_YEAR - 2,
      pageSize: 30,
      maxPagesPerActivity: 2,
      maxConcurrency: 3,
      requestsPerMinute: 1_800,
      heartbeatTimeoutSeconds: 2,
      retryInitialSeconds: 1,
      retryMaximumSeconds: 2,
    });
    const importId = await eventually(
      'the import to be planned',
      async () => (await importProgress(env.target, env.source))?.importId ?? undefined,
    );
    const total = 2 * 3 * 13;

    const kills: { at: number; done: Set<string>; interrupted: string[] }[] = [];
    for (const threshold of [8, 30, 55]) {
      // Kill once enough partitions are done and some partition is half-way (pages committed, not complete).
      await eventually(
        `${threshold} partitions done and one half-way`,
        async () => {
          const parts = await partitions(env, importId);
          const done = parts.filter((p) => p.status === 'done').length;
          return done >= threshold && parts.some((p) => p.status === 'running' && p.pages > 0)
            ? true
            : undefined;
        },
        90_000,
        20,
      );
      const snapshot = await partitions(env, importId);
      await kill(current);
      const at = Date.now();
      // Read after the kill: with no worker alive, this is exactly where the dead attempt stopped.
      const frozen = await partitions(env, importId);
      const done = new Set(snapshot.filter((p) => p.status === 'done').map((p) => p.key));
      const interrupted = frozen.filter((p) => p.status === 'running' && p.pages > 0).map((p) => p.key);
      kills.push({ at, done, interrupted });
      expect(done.size).toBeLessThan(total);
      current = await startWorkerProcess();
    }

    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.partitions).toMatchObject({ total, done: total, failed: 0 });

    // Exact data, no duplicates (one row per key, live rows equal the simulator's).
    const expectedRows = ADMINISTRATIONS.length * 3 * LINES_PER_YEAR;
    const check = await expectTableEqualsSimulator(env.db.pool, env.control, env.afas, {
      source: env.source,
      name: 'journal_lines',
      prefix: 'Profit_',
      administrations: ADMINISTRATIONS,
    });
    expect(check.rows).toBe(expectedRows);
    expect(await tableCount(env, ADMINISTRATIONS)).toBe(expectedRows);

    // Exact counts: every page was counted once although attempts died mid-partition.
    const parts = await partitions(env, importId);
    expect(parts.reduce((sum, p) => sum + p.rows, 0)).toBe(expectedRows);
    expect(result.rows).toBe(expectedRows);
    const perAdministration = (await env.app.runs.datasetsOf(result.runId)).filter(
      (d) => d.dataset === 'journal_lines',
    );
    expect(perAdministration.map((d) => d.rowsInserted)).toEqual(
      ADMINISTRATIONS.map(() => 3 * LINES_PER_YEAR),
    );
    // Kills hit partitions mid-way; they resumed from their committed cursor and completed.
    const interrupted = kills.flatMap((k) => k.interrupted);
    expect(interrupted.length).toBeGreaterThan(0);
    for (const key of interrupted) expect(parts.find((p) => p.key === key)?.status).toBe('done');

    // No partition finished before a kill was requested from AFAS after it, nor any after it finished.
    const requests = await requestLog(env.control, 'Profit_Transactions');
    for (const kill of kills) {
      const refetched = requests.filter(
        (r) => Date.parse(r.timestamp) > kill.at && kill.done.has(partitionOfRequest(r) ?? ''),
      );
      expect(refetched).toEqual([]);
    }
    const finishedAt = new Map(parts.map((p) => [p.key, p.finishedAt?.getTime() ?? 0]));
    const afterFinish = requests.filter(
      (r) => Date.parse(r.timestamp) > (finishedAt.get(partitionOfRequest(r) ?? '') ?? Infinity),
    );
    expect(afterFinish).toEqual([]);
  });
});
