// bench:post's figures, its targets (issue 19 point 10) and the table it prints.
import { round } from '../bench-run.js';
import type { WorkflowTaskTimes } from '../bench/history-profile.js';
import type { FiEntriesFigures } from './measure.js';

/** Issue 19 point 10: entries/s ≥ this share of what the allowed calls at the latency can carry. */
export const PACE_SHARE = 0.8;
/** … and at most this many FiEntries calls per entry without faults. */
export const MAX_CALLS_PER_ENTRY = 1.05;

export interface PostBenchReport {
  batch: string;
  entries: number;
  lines: number;
  latencyMs: number;
  /** The source's max_concurrency. */
  concurrency: number;
  /** Concurrent calls allowed: min(the source's max_concurrency, AFAS's 5 per environment). */
  callsAllowed: number;
  firstSyncSeconds: number;
  /** `afas-sync post --wait`: its exit code and wall time (start of node to exit). */
  cli: { exitCode: number | null; seconds: number };
  status: string | null;
  reason: string | null;
  entriesPosted: number;
  posting: {
    /** post_batches.posted_at − created_at: registration to every entry in AFAS. */
    seconds: number | null;
    entriesPerSecond: number | null;
    /** PACE_SHARE × callsAllowed ÷ latency; null without latency (nothing sets a pace). */
    targetEntriesPerSecond: number | null;
  };
  fiEntries: FiEntriesFigures & { callsPerEntry: number };
  /** Where an entry's time went, ms: a call slot's time per entry, AFAS's answer (p50), the activity. */
  perEntry: { slotMs: number | null; afasMs: number; postEntryActivityMs: number | null };
  /** Other AFAS calls between registration and posted_at, by method and connector. */
  otherCallsWhilePosting: Record<string, number>;
  confirming: {
    /** post_batches.ended_at − posted_at: the sync of the booking days and the comparison. */
    seconds: number | null;
    syncSeconds: number | null;
    syncStatus: string | null;
  };
  journalLines: { expected: number; found: number };
  /** post_steps by action and outcome. */
  steps: Record<string, number>;
  workflowHistoryEvents: number | null;
  /** The batch workflow's own turns (its workflow tasks): how many, mean wait and run. */
  workflowTasks: WorkflowTaskTimes | null;
  problems: string[];
  targets: { name: string; met: boolean | null; why: string }[];
  at: string;
}

/** What the allowed calls can carry at the latency, entries/s, times PACE_SHARE; null at latency 0. */
export function paceTarget(callsAllowed: number, latencyMs: number): number | null {
  return latencyMs === 0 ? null : round((PACE_SHARE * callsAllowed) / (latencyMs / 1000));
}

export function judge(report: Omit<PostBenchReport, 'targets'>): PostBenchReport['targets'] {
  const { posting, fiEntries } = report;
  const seconds = report.latencyMs / 1000;
  return [
    {
      name: `entries/s ≥ ${PACE_SHARE} × (${report.callsAllowed} ÷ ${seconds} s) = ${posting.targetEntriesPerSecond ?? '–'}`,
      met:
        posting.targetEntriesPerSecond === null
          ? null
          : (posting.entriesPerSecond ?? 0) >= posting.targetEntriesPerSecond,
      why: 'no latency: the machine, not AFAS, sets the pace',
    },
    {
      name: `FiEntries calls per entry ≤ ${MAX_CALLS_PER_ENTRY}`,
      // Over a batch that did not reach AFAS whole, the ratio says nothing.
      met: report.entriesPosted < report.entries ? null : fiEntries.callsPerEntry <= MAX_CALLS_PER_ENTRY,
      why: `${report.entriesPosted} of ${report.entries} entries were posted`,
    },
    {
      name: 'batch confirmed: every entry in AFAS, its lines in journal_lines',
      met:
        report.status === 'confirmed' &&
        report.entriesPosted === report.entries &&
        report.journalLines.found === report.journalLines.expected,
      why: '',
    },
    {
      name: `at most ${report.callsAllowed} FiEntries calls in flight at once`,
      met: fiEntries.maxInFlight <= report.callsAllowed,
      why: '',
    },
  ];
}

const figure = (value: number | null, unit: string) => (value === null ? '–' : `${value} ${unit}`);

export function formatPostReport(report: PostBenchReport): string {
  const { posting, fiEntries, confirming } = report;
  const methods = Object.entries(fiEntries.byMethod)
    .map(([method, count]) => `${method} ${count}`)
    .join(', ');
  const others = Object.entries(report.otherCallsWhilePosting)
    .map(([call, count]) => `${call} ${count}`)
    .join(', ');
  const steps = Object.entries(report.steps)
    .map(([step, count]) => `${step} ${count}`)
    .join(', ');
  return [
    `afas-sync write-back benchmark — ${report.entries.toLocaleString('en')} entries (${report.lines.toLocaleString('en')} lines, 2–4 per entry), FiEntries answers after ${report.latencyMs} ms, ${report.callsAllowed} concurrent calls allowed`,
    '',
    `first sync (master data)            ${report.firstSyncSeconds} s`,
    `posting (registered → all in AFAS)  ${figure(posting.seconds, 's')}: ${figure(posting.entriesPerSecond, 'entries/s')} (target ≥ ${figure(posting.targetEntriesPerSecond, 'entries/s')}); AFAS saw ${fiEntries.spanSeconds} s from the first call to the last answer`,
    `FiEntries calls                     ${fiEntries.calls} (${methods || 'none'}), ${fiEntries.callsPerEntry} per entry, ${fiEntries.refused} refused, at most ${fiEntries.maxInFlight} in flight, each p50 ${fiEntries.durationMs.p50} ms, max ${fiEntries.durationMs.max} ms`,
    `per entry, per call slot            ${figure(report.perEntry.slotMs, 'ms')}: AFAS answered in ${report.perEntry.afasMs} ms (p50), the postEntry activity took ${figure(report.perEntry.postEntryActivityMs, 'ms')} (mean, schedule to close)`,
    `other AFAS calls while posting      ${others || 'none'}`,
    `confirming (posted → confirmed)     ${figure(confirming.seconds, 's')} (its sync ${figure(confirming.syncSeconds, 's')}, ${confirming.syncStatus ?? 'not found'})`,
    `journal lines of the batch          ${report.journalLines.found} of ${report.journalLines.expected}`,
    `batch                               ${report.status ?? 'not registered'}${report.reason ? `: ${report.reason.slice(0, 300)}` : ''} (${report.entriesPosted} entries with an entry number)`,
    `post steps                          ${steps || 'none'}`,
    `\`afas-sync post --wait\`             ${report.cli.seconds} s, exit ${report.cli.exitCode ?? 'killed'}`,
    `workflow history                    ${figure(report.workflowHistoryEvents, 'events')}${report.workflowTasks ? `; ${report.workflowTasks.count} workflow tasks, each waited ${report.workflowTasks.waitMs} ms and ran ${report.workflowTasks.runMs} ms (mean)` : ''}`,
    report.problems.length === 0 ? 'problems: none' : `problems (${report.problems.length}):`,
    ...report.problems.map((problem) => `  ${problem.slice(0, 400)}`),
    '',
    ...report.targets.map(
      ({ name, met, why }) =>
        `${met === null ? 'n/a   ' : met ? 'met   ' : 'MISSED'} ${name}${met === null ? ` (${why})` : ''}`,
    ),
  ].join('\n');
}
