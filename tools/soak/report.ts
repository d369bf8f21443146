// The soak's findings, and how they are printed.
import type { DriverStats } from './sync-driver.js';
import type { FaultKind } from './schedule.js';
import type { SecretScan } from './secrets.js';
import type { SettledSource } from './settle.js';

export interface SoakReport {
  seed: number;
  sources: number;
  plannedMinutes: number;
  chaosSeconds: number;
  settleSeconds: number;
  totalSeconds: number;
  planned: Partial<Record<FaultKind, number>>;
  injected: Partial<Record<FaultKind, number>>;
  skippedEvents: number;
  injectionErrors: string[];
  /** Faults the simulator actually fired, by kind, and all AFAS calls it answered. */
  afasFaultsFired: Record<string, number>;
  afasCalls: number;
  worker: { starts: number; plannedKills: number; startupFailures: number; crashes: number };
  syncs: DriverStats;
  importStatus: string | null;
  settled: SettledSource[];
  datasetsVerified: number;
  rowsVerified: number;
  mismatches: string[];
  stuckWorkflows: string[];
  secrets: SecretScan;
  /** Why the run failed; empty when it passed. */
  problems: string[];
}

function counts(record: Partial<Record<string, number>>): string {
  const entries = Object.entries(record).filter(([, count]) => (count ?? 0) > 0);
  return entries.length === 0 ? 'none' : entries.map(([kind, count]) => `${kind} ${count}`).join(', ');
}

export function formatReport(report: SoakReport): string {
  const lines = [
    `afas-sync soak — seed ${report.seed} (replay: npm run soak -- --seed ${report.seed} --minutes ${report.plannedMinutes} --sources ${report.sources})`,
    `time: ${report.chaosSeconds} s chaos, ${report.settleSeconds} s settle, ${report.totalSeconds} s total`,
    `faults injected: ${counts(report.injected)}${report.skippedEvents ? ` (${report.skippedEvents} skipped at the deadline)` : ''}`,
    `AFAS faults fired: ${counts(report.afasFaultsFired)} in ${report.afasCalls} AFAS calls`,
    `worker: ${report.worker.starts} starts, ${report.worker.plannedKills} SIGKILLs, ` +
      `${report.worker.startupFailures} start-ups refused while a dependency was down, ${report.worker.crashes} crashes`,
    `syncs during chaos: ${report.syncs.syncsStarted} started, outcomes ${counts(report.syncs.outcomes)}, ${report.syncs.clientErrors} client errors`,
    `historical import: ${report.importStatus ?? 'not run'}`,
    `settle: ${report.settled.map((s) => `${s.source} ${s.status} after ${s.finalSyncs} sync(s)`).join(', ')}`,
    `verified: ${report.datasetsVerified} tables, ${report.rowsVerified} rows, ${report.mismatches.length} mismatches`,
    `stuck workflows: ${report.stuckWorkflows.length === 0 ? 'none' : report.stuckWorkflows.join(', ')}`,
    `secrets: ${report.secrets.findings.length} findings in ${report.secrets.checked.tables} tables, ${report.secrets.checked.histories} histories, ` +
      `${report.secrets.checked.outputBytes} bytes of worker output, ${report.secrets.checked.metricsBytes} bytes of /metrics`,
    ...report.injectionErrors.map((error) => `  injection error: ${error}`),
    ...report.mismatches.map((mismatch) => `  MISMATCH ${mismatch}`),
    ...report.secrets.findings.map((finding) => `  SECRET ${finding}`),
    report.problems.length === 0 ? 'PASS' : `FAIL: ${report.problems.join('; ')}`,
  ];
  return `${lines.join('\n')}\n`;
}
