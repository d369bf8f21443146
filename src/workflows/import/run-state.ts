// What one run of the historical import knows while it works: the progress operators query, the
// partition dispatcher and its slots, the phase published as a search attribute and as the
// workflow's current details in the Web UI.
import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ImportTotals } from '../../activities/import-activities.js';
import { AfasPhase } from '../../temporal/search-attributes.js';
import type { ImportPhase, ImportProgress } from '../definitions.js';
import { Limiter } from '../limiter.js';
import { importDetails } from '../summaries.js';
import { PartitionDispatcher } from './dispatcher.js';
import type { ResolvedImportOptions } from './options.js';
import { deriveProgress, mergeTotals, type AttemptStart } from './progress.js';
import type { CarriedImportState, HistoricalImportInput } from './types.js';

const now = () => new Date().toISOString();

export class ImportRunState {
  readonly progress: ImportProgress;
  readonly attempt: AttemptStart;
  readonly slots: Limiter;
  readonly dispatcher: PartitionDispatcher;
  /** Set once an operator chose the concurrency; planning then keeps it. */
  concurrencyChosen: boolean;
  /** A failure every partition would hit: the import stops once running chunks have ended. */
  fatal: { error: unknown } | undefined;
  #publishedPhase: string | undefined;

  constructor(input: HistoricalImportInput, options: ResolvedImportOptions) {
    const carried = input.carried;
    this.attempt = {
      startedAtMs: carried?.attemptStartedAtMs ?? Date.now(),
      rows: carried?.rowsAtAttemptStart ?? 0,
    };
    const concurrency = carried?.concurrency ?? options.maxConcurrency ?? 1;
    this.slots = new Limiter(concurrency);
    this.dispatcher = new PartitionDispatcher(this.slots);
    this.concurrencyChosen = carried !== undefined;
    this.#publishedPhase = workflowInfo().typedSearchAttributes.get(AfasPhase);
    this.progress = {
      source: input.source,
      importId: carried?.importId ?? null,
      runId: carried?.runId ?? null,
      phase: carried ? 'importing' : 'planning',
      status: 'running',
      paused: carried?.paused ?? false,
      concurrency,
      fromYear: options.fromYear,
      toYear: carried?.toYear ?? options.toYear,
      datasets: carried?.datasets ?? options.datasets,
      administrations: carried?.administrations ?? [],
      partitions: { total: 0, done: 0, running: 0, failed: 0, pending: 0 },
      rows: 0,
      rowsThisAttempt: 0,
      rowsPerSecond: null,
      etaSeconds: null,
      runningPartitions: [],
      lastError: carried?.lastError ?? null,
      startWatermark: carried?.startWatermark ?? null,
      startedAt: new Date(this.attempt.startedAtMs).toISOString(),
      updatedAt: now(),
      workflowRuns: (carried?.workflowRuns ?? 0) + 1,
    };
  }

  setConcurrency(concurrency: number): void {
    this.progress.concurrency = concurrency;
    this.slots.limit = concurrency;
  }

  setPhase(phase: ImportPhase): void {
    this.progress.phase = phase;
    this.publishPhase();
  }

  /** Returns whether anything changed (a second pause is a no-op). */
  setPaused(paused: boolean): boolean {
    if (this.progress.paused === paused) return false;
    this.progress.paused = paused;
    this.publishPhase();
    return true;
  }

  /** Merges totals an activity reported, then recomputes what follows from them. */
  merge(totals: ImportTotals): void {
    const merged = mergeTotals(this.progress.partitions, this.progress.rows, totals);
    this.progress.partitions.total = merged.total;
    this.progress.partitions.done = merged.done;
    this.progress.partitions.failed = merged.failed;
    this.progress.rows = merged.rows;
    this.refresh();
  }

  partitionFailed(): void {
    this.progress.partitions.failed += 1;
  }

  /** Recomputes pending, rate and ETA from the counters, and the workflow's current details. */
  refresh(): void {
    const derived = deriveProgress(
      this.progress.partitions,
      this.progress.rows,
      this.dispatcher.running,
      this.attempt,
      Date.now(),
    );
    Object.assign(this.progress, derived);
    this.progress.updatedAt = now();
    this.showDetails();
  }

  noteError(partition: string | null, message: string): void {
    this.progress.lastError = { partition, message, at: now() };
    this.progress.updatedAt = now();
  }

  /** What the progress query answers: a copy, with the partitions running right now. */
  snapshot(): ImportProgress {
    return {
      ...this.progress,
      partitions: { ...this.progress.partitions, running: this.dispatcher.running },
      administrations: [...this.progress.administrations],
      datasets: [...this.progress.datasets],
      runningPartitions: this.dispatcher.runningPartitions(this.progress.updatedAt),
    };
  }

  /** What the next run needs after continue-as-new (planning done: ids are set). */
  carried(): CarriedImportState {
    const { importId, runId, toYear } = this.progress;
    if (importId === null || runId === null || toYear === null)
      throw new Error('an import continues as new only after planning');
    return {
      importId,
      runId,
      paused: this.progress.paused,
      concurrency: this.progress.concurrency,
      toYear,
      datasets: this.progress.datasets,
      administrations: this.progress.administrations,
      startWatermark: this.progress.startWatermark,
      attemptStartedAtMs: this.attempt.startedAtMs,
      rowsAtAttemptStart: this.attempt.rows,
      workflowRuns: this.progress.workflowRuns,
      lastError: this.progress.lastError,
    };
  }

  /** The search attribute shows `paused` for a paused import; upserted only when it changes. */
  private publishPhase(): void {
    const value =
      this.progress.phase === 'importing' && this.progress.paused ? 'paused' : this.progress.phase;
    this.showDetails();
    if (value === this.#publishedPhase) return;
    upsertSearchAttributes([{ key: AfasPhase, value }]);
    this.#publishedPhase = value;
  }

  private showDetails(): void {
    setCurrentDetails(importDetails(this.progress));
  }
}
