// The fleet's phases: (f1) first sync of every source at once, (f0) one no-change sync of one
// source alone, (f2) every source on its schedule for R rounds while the simulator changes data,
// (f3) one more round with a worker SIGKILLed in the middle of it.
import { setTimeout as sleep } from 'node:timers/promises';
import { scheduleJitterSeconds } from '../../src/client/schedule-spec.js';
import { ensureSchedule, setSchedulePaused, startSync } from '../../src/client/sync-control.js';
import type { SyncOptions } from '../../src/workflows/sync-source.js';
import type { FleetOptions } from './options.js';
import { scheduledTicks } from './runs.js';
import { FLEET_SCHEMA, type FleetSource, type FleetStack } from './stack.js';

export interface SourceProblem {
  source: string;
  phase: string;
  problem: string;
}

export interface FirstSyncPhase {
  wallSeconds: number;
  journalLines: number;
  rowsInserted: number;
  problems: SourceProblem[];
}

export function syncOptions(options: FleetOptions): SyncOptions {
  return options.heartbeatSeconds === undefined ? {} : { heartbeatTimeoutSeconds: options.heartbeatSeconds };
}

async function syncOnce(
  stack: FleetStack,
  source: string,
  options: SyncOptions,
): Promise<{ status: string; error: string | null }> {
  try {
    const result = await (await startSync(stack.target, source, options)).result();
    const failures = result.failures.map((failure) => `${failure.dataset}: ${failure.message}`).join('; ');
    return { status: result.status, error: result.error ?? (failures || null) };
  } catch (error) {
    return { status: 'error', error: (error as Error).message };
  }
}

/** (f1) Every source's first sync, all started at once. */
export async function firstSyncs(stack: FleetStack, options: FleetOptions): Promise<FirstSyncPhase> {
  const started = performance.now();
  const sinceDb = new Date();
  const outcomes = await Promise.all(
    stack.sources.map(async (source) => ({
      source: source.name,
      ...(await syncOnce(stack, source.name, syncOptions(options))),
    })),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const lines = await stack.app.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${FLEET_SCHEMA}.journal_lines WHERE _deleted_at IS NULL`,
  );
  const inserted = await stack.app.pool.query<{ n: string | null }>(
    `SELECT sum(rows_inserted) AS n FROM ${FLEET_SCHEMA}.sync_runs WHERE kind = 'sync' AND started_at >= $1`,
    [sinceDb],
  );
  return {
    wallSeconds,
    journalLines: Number(lines.rows[0]?.n ?? 0),
    rowsInserted: Number(inserted.rows[0]?.n ?? 0),
    problems: outcomes
      .filter((outcome) => outcome.status !== 'succeeded')
      .map((outcome) => ({
        source: outcome.source,
        phase: 'f1',
        problem: `${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`,
      })),
  };
}

/** The biggest environment: the one whose no-change sync f2's syncs are held against. */
export function biggestSource(sources: readonly FleetSource[]): FleetSource {
  const size = (source: FleetSource) => source.linesPerYear * source.administrations;
  const biggest = [...sources].sort((a, b) => size(b) - size(a))[0];
  if (!biggest) throw new Error('no sources');
  return biggest;
}

/** (f0) One no-change sync of one source, nothing else running. */
export async function noChangeSync(
  stack: FleetStack,
  options: FleetOptions,
  source: FleetSource,
): Promise<{ source: string; wallSeconds: number; problems: SourceProblem[] }> {
  const started = performance.now();
  const outcome = await syncOnce(stack, source.name, syncOptions(options));
  const wallSeconds = (performance.now() - started) / 1000;
  const problems =
    outcome.status === 'succeeded'
      ? []
      : [{ source: source.name, phase: 'f0', problem: `${outcome.status}: ${outcome.error ?? ''}` }];
  return { source: source.name, wallSeconds, problems };
}

/** Runs `work` over `items`, `parallel` at a time. */
async function eachLimited<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status >= 400)
    throw new Error(`simulator POST ${url} → ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return response.json();
}

/** ~1 % of every environment's booking days, one debtor and one creditor renamed. */
async function mutateAll(stack: FleetStack, round: number): Promise<void> {
  await eachLimited(stack.sources, 8, async (source) => {
    const seed = round * 10_007 + Number(source.environmentId);
    const changed = (await post(`${source.envUrl}/__sim/mutate-random`, { fraction: 0.01, seed })) as {
      days: string[];
    };
    // 1 % of a small environment's days rounds to none; change one day there.
    if (changed.days.length === 0) await post(`${source.envUrl}/__sim/mutate-random`, { days: 1, seed });
    await post(`${source.envUrl}/__sim/master/Profit_Debtor`, {
      upsert: [{ DebtorId: String(10_001 + ((seed * 7) % 250)), DebtorName: `fleet round ${round}` }],
    });
    await post(`${source.envUrl}/__sim/master/Profit_Creditor`, {
      upsert: [{ CreditorId: String(20_001 + ((seed * 11) % 150)), CreditorName: `fleet round ${round}` }],
    });
  });
}

/** Sleeps until the wall clock reads `atMs`. */
async function until(atMs: number): Promise<void> {
  await sleep(Math.max(0, atMs - Date.now()));
}

export interface SchedulePhases {
  intervalSeconds: number;
  /** When f2's first tick was due (ms) and f3's. */
  f2StartMs: number;
  f3StartMs: number;
  /** The last data change, before f3's tick: every source must end with a sync started after it. */
  lastMutationMs: number;
  kill: { atMs: number; afterTickMs: number; syncsRunning: number };
  /** Sources without a successful sync started after the last change by f3's deadline. */
  notSettled: string[];
  f3Seconds: number;
}

/** syncSource runs still going now, the wrapper's children included. */
async function syncsRunning(stack: FleetStack): Promise<number> {
  const counted = await stack.target.client.workflow.count(
    `WorkflowType = 'syncSource' AND TaskQueue = '${stack.target.taskQueue}' AND ExecutionStatus = 'Running'`,
  );
  return counted.count;
}

async function settledSources(stack: FleetStack, sinceMs: number): Promise<Set<string>> {
  const result = await stack.app.pool.query<{ source: string }>(
    `SELECT DISTINCT source FROM ${FLEET_SCHEMA}.sync_runs
      WHERE kind = 'sync' AND status = 'succeeded' AND started_at > $1`,
    [new Date(sinceMs)],
  );
  return new Set(result.rows.map((row) => row.source));
}

/**
 * (f2) and (f3). Temporal fires an interval schedule at multiples of the interval since the epoch
 * plus the source's offset (and the product's jitter), so a round is one interval from such a
 * boundary, within which every source ticks once; the data changes half-way through each round
 * of f2, and f3 kills a worker while syncs of its round are running.
 */
export async function scheduledRounds(
  stack: FleetStack,
  options: FleetOptions,
  log: (line: string) => void,
): Promise<SchedulePhases> {
  const intervalMs = options.intervalSeconds * 1000;
  for (const source of stack.sources) {
    await ensureSchedule(
      stack.target,
      { name: source.name, syncIntervalSeconds: options.intervalSeconds },
      { syncOptions: syncOptions(options) },
    );
  }
  const f2StartMs = Math.ceil((Date.now() + 500) / intervalMs) * intervalMs;
  const f3StartMs = f2StartMs + options.rounds * intervalMs;
  log(
    `f2: ${options.rounds} rounds every ${options.intervalSeconds} s from ${new Date(f2StartMs).toISOString()}`,
  );
  let lastMutationMs = 0;
  for (let round = 0; round < options.rounds; round++) {
    await until(f2StartMs + round * intervalMs + intervalMs / 2);
    await mutateAll(stack, round + 1);
    lastMutationMs = Date.now();
  }
  const sourceNames = stack.sources.map((source) => source.name);
  // In the middle of f3's round: half of f2's median schedule-to-done after the tick.
  const f2SoFar = await scheduledTicks(stack.target, sourceNames, f2StartMs - 1_000);
  const durations = f2SoFar
    .filter((tick) => tick.outcome !== 'skipped' && tick.doneAtMs !== undefined)
    .map((tick) => (tick.doneAtMs as number) - tick.scheduledAtMs)
    .sort((a, b) => a - b);
  const median = durations[Math.floor(durations.length / 2)] ?? 1_000;
  const afterTickMs = Math.round(Math.min(intervalMs / 2, Math.max(300, median / 2)));
  await until(f3StartMs + afterTickMs);
  // Ticks are spread over the round: wait (within it) until at least one sync is in flight.
  let running = await syncsRunning(stack);
  while (running === 0 && Date.now() < f3StartMs + intervalMs) {
    await sleep(100);
    running = await syncsRunning(stack);
  }
  const killedAt = Date.now();
  await stack.workers.kill(0);
  log(`f3: worker 1 SIGKILLed ${afterTickMs} ms after the tick, ${running} sync(s) running`);
  await sleep(options.downMs);
  await stack.workers.start(0);
  log('f3: worker 1 restarted');

  // Long enough for the killed worker's activities to time out and retry, and a tick to be missed.
  const heartbeatMs = (options.heartbeatSeconds ?? 60) * 1000;
  const leaseMs = Number(process.env.AFAS_SYNC_AFAS_CALL_LEASE_SECONDS ?? 30) * 1000;
  const jitterMs = scheduleJitterSeconds(options.intervalSeconds) * 1000;
  const deadline = f3StartMs + intervalMs + jitterMs + heartbeatMs + leaseMs + 120_000;
  // Every source's f3 tick has fired once its slot and jitter are past; the round is over when
  // those syncs are done and every source has synced since the last change.
  const allFired = f3StartMs + intervalMs + jitterMs + 1_000;
  let settled = new Set<string>();
  while (Date.now() < deadline) {
    settled = await settledSources(stack, lastMutationMs);
    if (Date.now() >= allFired && settled.size === stack.sources.length && (await syncsRunning(stack)) === 0)
      break;
    await sleep(1_000);
  }
  const f3Seconds = (Date.now() - f3StartMs) / 1000;
  for (const source of stack.sources) await setSchedulePaused(stack.target, source.name, true, 'bench over');
  return {
    intervalSeconds: options.intervalSeconds,
    f2StartMs,
    f3StartMs,
    lastMutationMs,
    kill: { atMs: killedAt, afterTickMs, syncsRunning: running },
    notSettled: sourceNames.filter((name) => !settled.has(name)),
    f3Seconds,
  };
}
