// Inputs and results of the activities: small, row-free, safe for workflow history.
import type { DatasetName } from '../catalog/index.js';
import type { DatasetCounts, RunKind, RunStatus } from '../db/runs.js';

export type { DatasetCounts, RunKind, RunStatus } from '../db/runs.js';

export interface RunRef {
  source: string;
  runId: string;
}

export interface BeginRunInput extends RunRef {
  kind: RunKind;
  workflowId: string;
  workflowRunId: string;
}

export interface SourceSettings {
  maxConcurrency: number;
  status: 'active' | 'needs_attention';
  syncIntervalSeconds: number;
  /**
   * Why syncs of the source are skipped, for the operator (its stored reason and how to clear
   * it); null while the source is active. Absent from what older workers answer.
   */
  attention: string | null;
}

export interface CheckSourceResult {
  ok: boolean;
  environmentName: string | null;
  appName: string | null;
  /** Required GetConnectors the App connector lacks. */
  missingConnectors: string[];
  /** What to tell the operator when not ok. */
  message: string | null;
}

/** What an operator asked of this run (`afas-sync sync --full --allow-mass-delete`); absent: neither. */
export interface RunRequest {
  /** Read every master-data scope whole (journal lines keep their changed-days path). */
  full?: boolean;
  /** Whole reads may mark any share of a scope deleted (the mass-delete guard is off). */
  allowMassDelete?: boolean;
}

export interface DiscoverInput extends RunRef {
  allowMassDelete?: boolean;
}

export interface DiscoverResult {
  administrations: number[];
  counts: DatasetCounts;
}

export interface DatasetTask extends RunRef {
  dataset: DatasetName;
  /** 0 for environment-wide datasets. */
  administration: number;
}

/** A master-data dataset in one scope, with what the operator asked of the run. */
export interface MasterDataTask extends DatasetTask, RunRequest {}

/** A booking day (YYYY-MM-DD) and the changed-days `Modified` stamp it is re-read for. */
export interface ChangedDay {
  day: string;
  modified: string;
}

export interface ChangedDaysPlan {
  /** Per administration, the booking days to replace, in batches (one AFAS query + one transaction each). */
  administrations: { administration: number; batches: ChangedDay[][]; dayCount: number }[];
  /** The latest change timestamp read from the changed-days connector (AFAS wall time). */
  newWatermark: string | null;
  afasCalls: number;
}

/** Where an administration's planned day batches stand; the days themselves stay in PostgreSQL. */
export interface PlannedAdministration {
  administration: number;
  /** Booking days to replace. */
  dayCount: number;
  /** Day batches, numbered 1..batches (one AFAS query and one transaction each). */
  batches: number;
}

/**
 * The changed-days plan as the `day-plans-in-postgres` path takes it: counts only, so its size
 * grows with the administrations, never with the days (changed_day_plans holds those).
 */
export interface DayBatchPlan {
  administrations: PlannedAdministration[];
  /**
   * The administrations whose batches one workflow execution replaces, in order: more than one
   * group and each runs as a child workflow, so no execution's history outgrows Temporal's limits.
   */
  groups: number[][];
  /** The latest change timestamp read from the changed-days connector (AFAS wall time). */
  newWatermark: string | null;
  afasCalls: number;
}

/** One planned batch of an administration, by number. */
export interface DayBatchInput extends DatasetTask {
  batch: number;
}

/** What replacing a batch wrote, and how many booking days it covered. */
export interface DayBatchCounts extends DatasetCounts {
  days: number;
}

export interface ReplaceDaysInput extends DatasetTask {
  days: ChangedDay[];
}

export interface PlanChangedDaysInput extends DatasetTask {
  administrations: number[];
}

export interface AdvanceWatermarkInput extends DatasetTask {
  watermark: string;
}

export interface DatasetFailureInput extends DatasetTask {
  message: string;
  errorClass: string;
  profitLogReference: string | null;
}

export interface FinishRunInput extends RunRef {
  status: Exclude<RunStatus, 'running'>;
  error: string | null;
  markSuccess: boolean;
}

/** Details attached to AFAS ApplicationFailures (never a token). */
export interface AfasFailureDetails {
  errorClass: string;
  status: number | null;
  profitLogReference: string | null;
}
