import type { ImportTotals } from '../../activities/import-activities.js';
import type { LedgerSummary } from '../../activities/ledger-activities.js';
import type { ImportProgress } from '../definitions.js';
import type { ImportOptions } from './options.js';

/** The small state one workflow run hands to the next on continue-as-new; partitions live in PostgreSQL. */
export interface CarriedImportState {
  importId: string;
  runId: string;
  paused: boolean;
  concurrency: number;
  toYear: number;
  datasets: string[];
  administrations: number[];
  startWatermark: string | null;
  attemptStartedAtMs: number;
  rowsAtAttemptStart: number;
  workflowRuns: number;
  lastError: ImportProgress['lastError'];
}

export interface HistoricalImportInput extends ImportOptions {
  source: string;
  /** Set by the workflow itself when it continues as new. */
  carried?: CarriedImportState;
}

export interface ImportResult {
  importId: string | null;
  runId: string;
  status: 'succeeded' | 'partial' | 'failed';
  partitions: ImportTotals;
  rows: number;
  /** The journal-line watermark written for the imported administrations. */
  watermark: string | null;
  workflowRuns: number;
  error?: string;
  /** The ledger proof of the imported years (issue 18); absent when it did not run or failed. */
  ledger?: LedgerSummary;
}
