// One bounded chaos run: build the stack, sync every source while the fault schedule runs, settle,
// then check every table against the simulator, stuck workflows and token leaks.
import { setTimeout as sleep } from 'node:timers/promises';
import { AfasClient } from '../../src/afas/index.js';
import { DATASETS } from '../../src/catalog/index.js';
import { startImport } from '../../src/client/import-control.js';
import { runChaos } from './chaos.js';
import { FaultTally } from './fault-tally.js';
import type { SoakOptions } from './options.js';
import type { SoakReport } from './report.js';
import { planFaults, type FaultKind } from './schedule.js';
import { scanForTokens } from './secrets.js';
import { awaitImport, runningWorkflows, settleSource } from './settle.js';
import { buildStack, SOAK_SCHEMA, type SoakStack } from './stack.js';
import { SOAK_SYNC_OPTIONS, SyncDriver } from './sync-driver.js';
import { simulatorExport, verifyDataset } from './verify.js';

/** The settle phase may take this long at most before the run fails as not settled. */
const SETTLE_BUDGET_MS = 10 * 60_000;

const seconds = (ms: number) => Math.round(ms / 100) / 10;

async function verifyAll(
  stack: SoakStack,
): Promise<{ datasets: number; rows: number; mismatches: string[] }> {
  const first = stack.sources[0];
  if (!first) throw new Error('no sources');
  const afas = new AfasClient({
    environmentId: '12345',
    environmentType: 'test',
    baseUrl: stack.simulator.baseUrl,
    token: first.token,
  });
  let datasets = 0;
  let rows = 0;
  const mismatches: string[] = [];
  try {
    const side = {
      describe: (id: string) => afas.describeGetConnector(id),
      exportRows: (id: string) => simulatorExport(stack.simulator.url, id),
    };
    for (const source of stack.sources) {
      for (const definition of DATASETS) {
        const result = await verifyDataset(stack.app.pool, side, {
          source: source.name,
          name: definition.name,
          schema: SOAK_SCHEMA,
          connectorPrefix: source.prefix,
          administrations: source.administrations,
        });
        datasets += 1;
        rows += result.rows;
        mismatches.push(...result.mismatches.map((mismatch) => `${source.name} ${mismatch}`));
      }
    }
  } finally {
    await afas.close();
  }
  return { datasets, rows, mismatches };
}

/** The run was interrupted (Ctrl-C); everything it started has been torn down. */
export class SoakInterruptedError extends Error {
  constructor(seed: number) {
    super(`interrupted; the stack is torn down (replay with --seed ${seed})`);
    this.name = 'SoakInterruptedError';
  }
}

/**
 * Runs the soak and reports. Throws when the stack cannot be built or torn down, and
 * SoakInterruptedError (after tearing down) when `signal` aborts it.
 */
export async function runSoak(
  options: SoakOptions,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<SoakReport> {
  const began = Date.now();
  const chaosMs = Math.round(options.minutes * 60_000);
  const events = planFaults(options.seed, chaosMs);
  const planned: Partial<Record<FaultKind, number>> = {};
  for (const event of events) planned[event.kind] = (planned[event.kind] ?? 0) + 1;
  log(`seed ${options.seed}: ${events.length} fault events over ${seconds(chaosMs)} s`);
  const stack = await buildStack(options, log);
  let report: SoakReport | undefined;
  try {
    const tally = new FaultTally(stack.sim);
    tally.start();
    const driver = new SyncDriver(
      stack.target,
      stack.sources.map((source) => source.name),
    );
    const importSource = options.historicalImport ? stack.sources[0] : undefined;
    if (importSource) {
      await startImport(stack.target, importSource.name, {
        fromYear: stack.years[0] as number,
        toYear: stack.years[stack.years.length - 1],
        maxConcurrency: 2,
        heartbeatTimeoutSeconds: SOAK_SYNC_OPTIONS.heartbeatTimeoutSeconds,
        retryInitialSeconds: 1,
        retryMaximumSeconds: 5,
      });
      log(`historical import of ${importSource.name} started`);
    }

    const chaosStarted = Date.now();
    const deadline = chaosStarted + chaosMs;
    driver.start();
    const chaos = await runChaos(
      events,
      { worker: stack.worker, postgres: stack.cluster, temporal: stack.temporal, sim: stack.sim, log },
      chaosStarted,
      deadline,
      signal,
    );
    await sleep(Math.max(0, deadline - Date.now()), undefined, signal ? { signal } : {}).catch(
      () => undefined,
    );
    await driver.stop();
    await tally.stop().catch(() => undefined);
    if (signal?.aborted) throw new SoakInterruptedError(options.seed);
    const chaosEnded = Date.now();
    log(`chaos over after ${seconds(chaosEnded - chaosStarted)} s; settling`);

    await stack.sim.clearFaults();
    stack.worker.start();
    const problems: string[] = [];
    if (!(await stack.worker.waitReady(120_000)))
      problems.push('the worker did not come back after the chaos');
    const settleDeadline = Date.now() + SETTLE_BUDGET_MS;
    const importStatus = importSource
      ? ((await awaitImport(stack.target, importSource.name, settleDeadline).catch(
          (error: unknown) => `error: ${(error as Error).message}`,
        )) ?? 'not found')
      : null;
    const settled = await Promise.all(
      stack.sources.map((source) => settleSource(stack.target, source.name, settleDeadline)),
    );
    const stuckWorkflows = await runningWorkflows(stack.target, Date.now() + 30_000);
    const settleEnded = Date.now();
    log(`settled in ${seconds(settleEnded - chaosEnded)} s; verifying`);

    const verified = await verifyAll(stack);
    await tally.poll();
    const secrets = await scanForTokens({
      tokens: stack.sources.map((source) => source.token),
      pool: stack.app.pool,
      schema: SOAK_SCHEMA,
      target: stack.target,
      workerOutput: stack.worker.transcript,
      metricsPort: stack.metricsPort,
    });

    if (importStatus !== null && importStatus !== 'succeeded')
      problems.push(`historical import ended ${importStatus}`);
    for (const source of settled) {
      if (source.status !== 'succeeded')
        problems.push(`${source.source} did not settle (${source.status}: ${source.error ?? ''})`);
    }
    if (verified.mismatches.length > 0) problems.push(`${verified.mismatches.length} mismatches`);
    if (stuckWorkflows.length > 0) problems.push(`${stuckWorkflows.length} workflows still running`);
    if (secrets.findings.length > 0) problems.push(`${secrets.findings.length} token findings`);
    if (stack.worker.crashes > 0)
      problems.push(`the worker crashed ${stack.worker.crashes} time(s) while running`);
    report = {
      seed: options.seed,
      sources: options.sources,
      plannedMinutes: options.minutes,
      chaosSeconds: seconds(chaosEnded - chaosStarted),
      settleSeconds: seconds(settleEnded - chaosEnded),
      totalSeconds: 0,
      planned,
      injected: chaos.injected,
      skippedEvents: chaos.skipped,
      injectionErrors: chaos.errors,
      afasFaultsFired: tally.fired,
      afasCalls: tally.afasCalls,
      worker: {
        starts: stack.worker.starts,
        plannedKills: stack.worker.plannedKills,
        startupFailures: stack.worker.startupFailures,
        crashes: stack.worker.crashes,
      },
      syncs: driver.stats,
      importStatus,
      settled,
      datasetsVerified: verified.datasets,
      rowsVerified: verified.rows,
      mismatches: verified.mismatches,
      stuckWorkflows,
      secrets,
      problems,
    };
  } finally {
    await stack.close();
  }
  report.totalSeconds = seconds(Date.now() - began);
  return report;
}
