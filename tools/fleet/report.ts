// bench:fleet's figures, its targets (issue 17 point 2) and the table it prints.
import type { ScheduledTick, SyncRunFacts } from './runs.js';

export interface FleetReport {
  sources: number;
  workers: number;
  intervalSeconds: number;
  rounds: number;
  sizes: number[];
  f0: { source: string; seconds: number };
  f1: {
    seconds: number;
    journalLines: number;
    rowsInserted: number;
    journalLinesPerSecond: number;
    rowsPerSecond: number;
  };
  f2: {
    syncs: number;
    skippedTicks: number;
    syncsPerMinute: number;
    /** From the schedule starting the sync (its jitter past) to the sync's end. */
    scheduleToDone: { p50: number; p95: number; max: number };
    /** How late the schedule started each tick after its slot: the deliberate jitter. */
    startJitter: { p50: number; max: number };
  };
  f3: {
    syncs: number;
    seconds: number;
    killAfterTickMs: number;
    syncsRunningAtKill: number;
    scheduleToDone: { p50: number; p95: number; max: number };
  };
  historyEvents: { perSyncMean: number; perSyncMax: number; runs: number };
  afasConcurrency: { max: number; overLimit: { source: string; limit: number; max: number }[] };
  postgres: { maxConnections: number; bound: number; poolSize: number; serverMaxConnections: number };
  workerPeakRssMb: number[];
  workerStarts: number[];
  failed: { source: string; phase: string; problem: string }[];
  stuck: string[];
  inexact: { source: string; mismatches: string[] }[];
  rowsVerified: number;
  targets: { name: string; met: boolean | null; why: string }[];
  at: string;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The value below which `fraction` of the sorted values lie (nearest rank); 0 for none. */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] as number;
}

/** Schedule-to-done in seconds of the ticks that ran a sync and are done. */
export function scheduleToDone(ticks: readonly ScheduledTick[]): { p50: number; p95: number; max: number } {
  const seconds = ticks
    .filter((tick) => tick.outcome !== 'skipped' && tick.doneAtMs !== undefined)
    .map((tick) => ((tick.doneAtMs as number) - tick.scheduledAtMs) / 1000);
  return {
    p50: round(percentile(seconds, 0.5)),
    p95: round(percentile(seconds, 0.95)),
    max: round(percentile(seconds, 1)),
  };
}

/** The jitter of the ticks: slot to start, seconds. */
export function startJitter(ticks: readonly ScheduledTick[]): { p50: number; max: number } {
  const seconds = ticks.map((tick) => (tick.scheduledAtMs - tick.nominalAtMs) / 1000);
  return { p50: round(percentile(seconds, 0.5)), max: round(percentile(seconds, 1)) };
}

export function historyFigures(runs: readonly SyncRunFacts[]): FleetReport['historyEvents'] {
  const closed = runs.filter((run) => run.closeMs !== undefined);
  const events = closed.map((run) => run.historyEvents);
  return {
    perSyncMean: events.length === 0 ? 0 : Math.round(events.reduce((sum, n) => sum + n, 0) / events.length),
    perSyncMax: events.length === 0 ? 0 : Math.max(...events),
    runs: closed.length,
  };
}

/** The targets of issue 17 point 2: [name, met (null: not judged), why not judged]. */
export function judge(report: Omit<FleetReport, 'targets'>): FleetReport['targets'] {
  const { postgres } = report;
  return [
    {
      name: 'no failed, stuck or inexact source',
      met: report.failed.length === 0 && report.stuck.length === 0 && report.inexact.length === 0,
      why: '',
    },
    {
      name: `f2 p95 schedule-to-done ≤ 4 × f0 (${round(4 * report.f0.seconds)} s)`,
      met: report.f2.syncs === 0 ? null : report.f2.scheduleToDone.p95 <= 4 * report.f0.seconds,
      why: 'no sync ran in f2',
    },
    {
      name: 'no environment above its max concurrent calls',
      met: report.afasConcurrency.overLimit.length === 0,
      why: '',
    },
    {
      name: `PostgreSQL connections ≤ pool size × workers (${postgres.bound}) < max_connections (${postgres.serverMaxConnections})`,
      met: postgres.maxConnections <= postgres.bound && postgres.bound < postgres.serverMaxConnections,
      why: '',
    },
    {
      name: 'f3 loses and duplicates nothing',
      met:
        report.f3.syncsRunningAtKill === 0 ? null : report.inexact.length === 0 && report.stuck.length === 0,
      why: 'no sync was running when the worker was killed',
    },
  ];
}

export function formatFleetReport(report: FleetReport): string {
  const s = (x: { p50: number; p95: number; max: number }) =>
    `p50 ${x.p50} s, p95 ${x.p95} s, max ${x.max} s`;
  const problems = [
    ...report.failed.map(
      (entry) => `  failed  ${entry.source} (${entry.phase}): ${entry.problem.slice(0, 300)}`,
    ),
    ...report.stuck.map((entry) => `  stuck   ${entry}`),
    ...report.inexact.map(
      (entry) => `  inexact ${entry.source}: ${entry.mismatches.slice(0, 3).join('; ').slice(0, 400)}`,
    ),
  ];
  return [
    `afas-sync fleet benchmark — ${report.sources} sources × ${report.workers} workers, interval ${report.intervalSeconds} s, ${report.rounds} rounds (+1 in f3), lines per admin-year ${report.sizes.join('/')}`,
    '',
    `(f0) no-change sync alone       ${report.f0.seconds} s (${report.f0.source})`,
    `(f1) first sync of every source ${report.f1.seconds} s: ${report.f1.journalLines.toLocaleString('en')} journal lines (${report.f1.journalLinesPerSecond.toLocaleString('en')}/s), ${report.f1.rowsInserted.toLocaleString('en')} rows in all (${report.f1.rowsPerSecond.toLocaleString('en')}/s)`,
    `(f2) steady state               ${report.f2.syncs} syncs, ${report.f2.syncsPerMinute} per minute, ${report.f2.skippedTicks} ticks skipped; schedule-to-done ${s(report.f2.scheduleToDone)} (after a start jitter of p50 ${report.f2.startJitter.p50} s, max ${report.f2.startJitter.max} s)`,
    `(f3) worker SIGKILLed           ${report.f3.killAfterTickMs} ms after the tick with ${report.f3.syncsRunningAtKill} syncs running; round done in ${report.f3.seconds} s; schedule-to-done ${s(report.f3.scheduleToDone)}`,
    `most concurrent AFAS calls in any environment ${report.afasConcurrency.max}`,
    `PostgreSQL connections at most ${report.postgres.maxConnections} (pool ${report.postgres.poolSize} × ${report.workers} workers = ${report.postgres.bound}; max_connections ${report.postgres.serverMaxConnections})`,
    `worker peak RSS ${report.workerPeakRssMb.map((mb, index) => `#${index + 1} ${mb} MB`).join(', ')} (starts ${report.workerStarts.join('/')})`,
    `history events per sync: mean ${report.historyEvents.perSyncMean}, max ${report.historyEvents.perSyncMax} (${report.historyEvents.runs} runs)`,
    `verified after f3: ${report.rowsVerified.toLocaleString('en')} AFAS rows`,
    problems.length === 0
      ? 'failed, stuck or inexact sources: none'
      : `failed, stuck or inexact sources (${problems.length}):`,
    ...problems,
    '',
    ...report.targets.map(
      ({ name, met, why }) =>
        `${met === null ? 'n/a   ' : met ? 'met   ' : 'MISSED'} ${name}${met === null ? ` (${why})` : ''}`,
    ),
  ].join('\n');
}
