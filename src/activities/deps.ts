import type { AppStores } from '../app/context.js';
import type { Logger } from '../observability/logger.js';
import type { SourceRecord } from '../db/sources.js';
import type { AfasApi, InlineRetryPolicy } from './afas-session.js';
import type { RetrySchedule } from './failures.js';
import type { DatasetCounts, RunStatus } from './types.js';

/** One activity's hold on a source's AFAS client: the client stays open until it is released. */
export interface AfasLease {
  api: AfasApi;
  /** Called once the activity is done with the client (idempotent, never throws). */
  release(): Promise<void>;
}

/** Opens (and caches) an AFAS client for a source; the token is read and decrypted here only. */
export interface AfasClientProvider {
  /** A client built from this version of the source row, held until the lease is released. */
  open(source: SourceRecord): Promise<AfasLease>;
  close(): Promise<void>;
}

/** What activities report to metrics; optional so tests can run without a registry. */
export interface ActivityMetrics {
  recordRows(dataset: string, counts: DatasetCounts): void;
  recordAfasCalls(source: string, calls: number, retries: number): void;
  recordRunFinished(source: string, status: Exclude<RunStatus, 'running'>, succeededAt?: Date): void;
}

export interface ActivitySettings {
  inlineRetry: InlineRetryPolicy;
  retrySchedule: RetrySchedule;
  /** Re-read changes this far behind the watermark (sub-second stamps, DST's repeated hour). */
  watermarkOverlapMinutes: number;
  /** Booking days per AFAS query and transaction when replacing changed days. */
  daysPerBatch: number;
  /**
   * Day batches one workflow execution replaces at most; a plan with more runs as child workflows
   * (src/activities/sync/day-plan.ts says why 300).
   */
  batchesPerExecution: number;
}

export const DEFAULT_ACTIVITY_SETTINGS: ActivitySettings = {
  inlineRetry: { attempts: 4, baseDelayMs: 1_000, maxInlineWaitMs: 60_000 },
  retrySchedule: { lockedGiveUpMs: 60 * 60_000, lockedBaseDelayMs: 30_000 },
  watermarkOverlapMinutes: 120,
  daysPerBatch: 20,
  batchesPerExecution: 300,
};

export interface ActivityDeps extends AppStores {
  clients: AfasClientProvider;
  logger: Logger;
  metrics?: ActivityMetrics;
  settings: ActivitySettings;
}
