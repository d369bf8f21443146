import type { LedgerSummary } from '../../activities/ledger-activities.js';
import type { DatasetCounts } from '../../activities/types.js';
import type { DatasetName } from '../../catalog/index.js';
import type { SyncProgress, SyncRequest } from '../definitions.js';
import type { SyncPolicyOptions } from '../policies.js';

export interface SyncOptions extends SyncPolicyOptions, SyncRequest {
  /** Only these datasets (administrations always runs). Default: all. */
  datasets?: DatasetName[];
}

export interface SyncSourceInput {
  source: string;
  trigger?: 'manual' | 'schedule';
  options?: SyncOptions;
}

export interface SyncResult {
  runId: string;
  status: SyncProgress['status'];
  totals: DatasetCounts;
  failures: { dataset: string; administration: number; message: string; profitLogReference: string | null }[];
  error?: string;
  /** Why the sync did not run (status `skipped`). */
  reason?: string;
  /** The ledger proof at the end of the run (issue 18); absent when it did not run or failed. */
  ledger?: LedgerSummary;
}
