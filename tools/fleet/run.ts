// `npm run bench:fleet -- --sources S --workers W [--interval 10m] [--rounds 3] [--sizes a,b,c]`:
// S sources, each on its own simulated AFAS environment (one simulator process), W worker
// processes, one Temporal dev server and one PostgreSQL database. Phases f1 (first syncs), f0 (a
// no-change sync alone), f2 (schedules, data changing between rounds), f3 (a worker SIGKILLed
// mid-round); then every table is compared with its environment. Prints a table with the targets of
// issue 17 point 2 (met/MISSED) and writes JSON under bench-results/.
import { setTimeout as sleep } from 'node:timers/promises';
import { closeOnInterrupt, elapsedLog, round, runBench } from '../bench-run.js';
import { parseFleetArgs, type FleetOptions } from './options.js';
import { biggestSource, firstSyncs, noChangeSync, scheduledRounds } from './phases.js';
import { PgConnectionSampler } from './pg-connections.js';
import {
  formatFleetReport,
  historyFigures,
  judge,
  scheduleToDone,
  startJitter,
  type FleetReport,
} from './report.js';
import { runningWorkflows, scheduledTicks, syncRuns } from './runs.js';
import { buildFleetStack, type FleetStack } from './stack.js';
import { environmentConcurrency, verifyFleet } from './verify.js';

const log = elapsedLog('fleet');

/** After the schedules are paused: lets what still runs finish; what does not is stuck. */
async function stuckWorkflows(stack: FleetStack, options: FleetOptions): Promise<string[]> {
  const deadline = Date.now() + ((options.heartbeatSeconds ?? 60) + 60) * 1000;
  let running = await runningWorkflows(stack.target);
  while (running.length > 0 && Date.now() < deadline) {
    await sleep(2_000);
    running = await runningWorkflows(stack.target);
  }
  return running;
}

async function run(options: FleetOptions, adminUrl: string): Promise<FleetReport> {
  const stack = await buildFleetStack(options, adminUrl, log);
  const stopListening = closeOnInterrupt(stack, log);
  try {
    const connections = new PgConnectionSampler(adminUrl, options.database);
    await connections.start();
    const sinceMs = Date.now();
    log(`f1: first sync of ${stack.sources.length} sources`);
    const f1 = await firstSyncs(stack, options);
    log(`f1: ${round(f1.wallSeconds)} s, ${f1.journalLines} journal lines, ${f1.problems.length} problem(s)`);
    const f0 = await noChangeSync(stack, options, biggestSource(stack.sources));
    log(`f0: no-change sync of ${f0.source} alone in ${round(f0.wallSeconds)} s`);
    const rounds = await scheduledRounds(stack, options, log);
    log(
      `f3: round done ${round(rounds.f3Seconds)} s after its tick; ${rounds.notSettled.length} source(s) not settled`,
    );
    const stuck = [...rounds.notSettled.map((name) => `${name}: no successful sync after the last change`)];
    stuck.push(...(await stuckWorkflows(stack, options)).map((id) => `${id}: still running`));
    const pg = await connections.stop();

    log('comparing every table with its environment');
    const verified = await verifyFleet(stack);
    log(`compared ${verified.length} sources; tearing the stack down`);
    const concurrency = await environmentConcurrency(stack.sources);
    const sourceNames = stack.sources.map((source) => source.name);
    const runs = await syncRuns(stack.target, sourceNames, sinceMs);
    // Read once nothing runs any more, so every tick has its end.
    // A round's ticks by their slot: a tick whose jitter carries it past the round's end still
    // belongs to it, and one slotted before f2 (between the schedules' creation and f2) to neither.
    const ticks = (await scheduledTicks(stack.target, sourceNames, rounds.f2StartMs - 1_000)).filter(
      (tick) => tick.nominalAtMs >= rounds.f2StartMs,
    );
    const f2Ticks = ticks.filter((tick) => tick.nominalAtMs < rounds.f3StartMs);
    // f3 waits out the jitter of its last tick, so the next round's first slots may have fired:
    // they are checked for failures with the rest, but are not f3's.
    const f3EndMs = rounds.f3StartMs + options.intervalSeconds * 1000;
    const f3Ticks = ticks.filter(
      (tick) => tick.nominalAtMs >= rounds.f3StartMs && tick.nominalAtMs < f3EndMs,
    );
    const failed = [
      ...f1.problems,
      ...f0.problems,
      ...ticks
        .filter((tick) => !['succeeded', 'skipped', 'running'].includes(tick.outcome))
        .map((tick) => ({
          source: tick.source,
          phase: tick.nominalAtMs < rounds.f3StartMs ? 'f2' : 'f3',
          problem: `${tick.outcome}${tick.error ? `: ${tick.error}` : ''}`,
        })),
    ];
    const f2Ran = f2Ticks.filter((tick) => tick.outcome !== 'skipped');
    const f2Minutes = (options.rounds * options.intervalSeconds) / 60;
    const partial: Omit<FleetReport, 'targets'> = {
      sources: options.sources,
      workers: options.workers,
      intervalSeconds: options.intervalSeconds,
      rounds: options.rounds,
      sizes: options.sizes,
      f0: { source: f0.source, seconds: round(f0.wallSeconds) },
      f1: {
        seconds: round(f1.wallSeconds),
        journalLines: f1.journalLines,
        rowsInserted: f1.rowsInserted,
        journalLinesPerSecond: Math.round(f1.journalLines / f1.wallSeconds),
        rowsPerSecond: Math.round(f1.rowsInserted / f1.wallSeconds),
      },
      f2: {
        syncs: f2Ran.length,
        skippedTicks: f2Ticks.length - f2Ran.length,
        syncsPerMinute: round(f2Ran.length / f2Minutes, 1),
        scheduleToDone: scheduleToDone(f2Ticks),
        startJitter: startJitter(f2Ticks),
      },
      f3: {
        syncs: f3Ticks.filter((tick) => tick.outcome !== 'skipped').length,
        seconds: round(rounds.f3Seconds),
        killAfterTickMs: rounds.kill.afterTickMs,
        syncsRunningAtKill: rounds.kill.syncsRunning,
        scheduleToDone: scheduleToDone(f3Ticks),
      },
      historyEvents: historyFigures(runs),
      afasConcurrency: {
        max: Math.max(0, ...concurrency.map((entry) => entry.max)),
        overLimit: concurrency.filter((entry) => entry.max > entry.limit),
      },
      postgres: {
        maxConnections: pg.max,
        poolSize: stack.poolSize,
        bound: stack.poolSize * options.workers,
        serverMaxConnections: pg.maxConnections,
      },
      workerPeakRssMb: await stack.workers.peakRssMb(),
      workerStarts: stack.workers.starts(),
      failed,
      stuck,
      inexact: verified
        .filter((entry) => entry.mismatches.length > 0)
        .map((entry) => ({ source: entry.source, mismatches: entry.mismatches })),
      rowsVerified: verified.reduce((sum, entry) => sum + entry.rows, 0),
      at: new Date().toISOString(),
    };
    return { ...partial, targets: judge(partial) };
  } finally {
    stopListening();
    await stack.close();
  }
}

await runBench({ name: 'bench:fleet', parse: parseFleetArgs, run, format: formatFleetReport });
