// What one sync run knows while it works: the progress operators query, the counts the result
// reports, the failures, and the phase, published as a search attribute and as the workflow's
// current details in the Web UI.
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { DatasetCounts, DatasetTask } from '../../activities/types.js';
import { AfasPhase } from '../../temporal/search-attributes.js';
import type { DatasetProgress, SyncPhase, SyncProgress } from '../definitions.js';
import type { FailureSummary } from '../failures.js';
import { syncDetails, type SyncDetailsInput } from '../summaries.js';

export interface DatasetFailure {
  dataset: string;
  administration: number;
  message: string;
  profitLogReference: string | null;
}

export class SyncRunState {
  readonly progress: SyncProgress;
  readonly totals: DatasetCounts = {
    inserted: 0,
    updated: 0,
    deleted: 0,
    pages: 0,
    afasCalls: 0,
    retries: 0,
  };
  readonly failures: DatasetFailure[] = [];
  /** Work units of the current phase (datasets, day batches), for the current details. */
  #step: SyncDetailsInput['step'];

  constructor(source: string, runId: string) {
    this.progress = {
      source,
      runId,
      phase: 'starting',
      startedAt: new Date().toISOString(),
      administrations: [],
      datasets: [],
      changedDays: 0,
      daysReplaced: 0,
      failures: 0,
      status: 'running',
    };
  }

  setPhase(phase: SyncPhase): void {
    this.progress.phase = phase;
    this.#step = undefined;
    upsertSearchAttributes([{ key: AfasPhase, value: phase }]);
    this.showDetails();
  }

  /** The phase has `total` work units (datasets, day batches); the details count them down. */
  setStep(total: number, unit: string): void {
    this.#step = { done: 0, total, unit };
    this.showDetails();
  }

  /** One more work unit of the phase (or `count` more) is through, succeeded or failed. */
  stepDone(count = 1): void {
    if (this.#step) this.#step.done += count;
    this.showDetails();
  }

  /** The progress entry of a dataset in an administration (0: environment-wide), created pending. */
  entry(dataset: string, administration: number): DatasetProgress {
    let found = this.progress.datasets.find(
      (item) => item.dataset === dataset && item.administration === administration,
    );
    if (!found) {
      found = {
        dataset,
        administration,
        status: 'pending',
        inserted: 0,
        updated: 0,
        deleted: 0,
        pages: 0,
        afasCalls: 0,
      };
      this.progress.datasets.push(found);
    }
    return found;
  }

  account(item: DatasetProgress, counts: DatasetCounts): void {
    item.inserted += counts.inserted;
    item.updated += counts.updated;
    item.deleted += counts.deleted;
    item.pages += counts.pages;
    item.afasCalls += counts.afasCalls;
    for (const key of Object.keys(this.totals) as (keyof DatasetCounts)[]) this.totals[key] += counts[key];
    this.showDetails();
  }

  recordFailure(task: DatasetTask, summary: FailureSummary): void {
    const item = this.entry(task.dataset, task.administration);
    item.status = 'failed';
    item.error = summary.message;
    this.progress.failures += 1;
    this.failures.push({
      dataset: task.dataset,
      administration: task.administration,
      message: summary.message,
      profitLogReference: summary.profitLogReference,
    });
    this.showDetails();
  }

  private showDetails(): void {
    setCurrentDetails(
      syncDetails({
        phase: this.progress.phase,
        step: this.#step,
        rows: this.totals.inserted + this.totals.updated,
        failures: this.progress.failures,
      }),
    );
  }
}
