// One-line texts the Temporal Web UI shows: the summary of each activity call in the Event
// History, and the current details of a running workflow. Pure functions: same input, same text.
import type { ChangedDay } from '../activities/types.js';

/** 12345 → `12,345` (the workflow sandbox has no locale we can rely on). */
export function thousands(value: number): string {
  const digits = String(Math.round(Math.abs(value)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 ? `-${grouped}` : grouped;
}

/** 43210 → `43k`, 1250000 → `1.3M`, below 10,000 as is. */
export function compact(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  return thousands(value);
}

/** 45 → `45 s`, 720 → `12 min`, 5400 → `1 h 30 min`. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest === 0 ? '' : ` ${rest} min`}`;
}

/** `all administrations` for environment-wide datasets (administration 0), else `admin 2`. */
export function scopeLabel(administration: number): string {
  return administration === 0 ? 'all administrations' : `admin ${administration}`;
}

/** `debtors · all administrations`, `journals · admin 2`. */
export function datasetSummary(task: { dataset: string; administration: number }): string {
  return `${task.dataset} · ${scopeLabel(task.administration)}`;
}

/** `journal_lines · admin 2 · 2025-03-01..2025-03-31 (20 days)`. */
export function daysSummary(task: {
  dataset: string;
  administration: number;
  days: readonly Pick<ChangedDay, 'day'>[];
}): string {
  const sorted = task.days.map((entry) => entry.day).sort();
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const range =
    first === undefined || last === undefined ? 'no days' : first === last ? first : `${first}..${last}`;
  const count = `${sorted.length} ${sorted.length === 1 ? 'day' : 'days'}`;
  return `${datasetSummary(task)} · ${range} (${count})`;
}

/** `admin 2`, `admins 1, 2, 3` (at most five listed, then `+N`). */
export function administrationsLabel(administrations: readonly number[]): string {
  if (administrations.length === 0) return 'no administrations';
  const shown = administrations.slice(0, 5).join(', ');
  const more = administrations.length > 5 ? ` +${administrations.length - 5}` : '';
  return `${administrations.length === 1 ? 'admin' : 'admins'} ${shown}${more}`;
}

/** `journal_lines · admin 2 · day batch 3/31`: one planned batch (its days are in PostgreSQL). */
export function dayBatchSummary(
  task: { dataset: string; administration: number },
  batch: number,
  batches: number,
): string {
  return `${datasetSummary(task)} · day batch ${batch}/${batches}`;
}

/** `admin 7`, `admins 1–9` when they run without a gap, else as administrationsLabel. */
export function administrationRange(administrations: readonly number[]): string {
  const first = administrations[0];
  const last = administrations[administrations.length - 1];
  const consecutive = administrations.every((id, index) => id === (first ?? 0) + index);
  if (first === undefined || last === undefined || first === last || !consecutive)
    return administrationsLabel(administrations);
  return `admins ${first}–${last}`;
}

/** `journal_lines · admins 1–9 · 16,425 days in 279 batches`: a child workflow of the replace loop. */
export function dayBatchesSummary(
  dataset: string,
  administrations: readonly number[],
  days: number,
  batches: number,
): string {
  const dayCount = `${thousands(days)} ${days === 1 ? 'day' : 'days'}`;
  return `${dataset} · ${administrationRange(administrations)} · ${dayCount} in ${thousands(batches)} ${batches === 1 ? 'batch' : 'batches'}`;
}

/** Partition key `journal_lines/1/2024/07` → `journal_lines · partition 1/2024/07 · chunk 3`. */
export function chunkSummary(key: string, chunk: number): string {
  const slash = key.indexOf('/');
  const label = slash < 0 ? `partition ${key}` : `${key.slice(0, slash)} · partition ${key.slice(slash + 1)}`;
  return `${label} · chunk ${chunk}`;
}

/** Years of an import: `2019–2026`, or `from 2019` while the last year is not known yet. */
export function yearsLabel(fromYear: number, toYear: number | null | undefined): string {
  if (toYear === null || toYear === undefined) return `from ${fromYear}`;
  return fromYear === toYear ? String(fromYear) : `${fromYear}–${toYear}`;
}

// ---- static summaries (of a workflow start) ---------------------------------------------------

/** `sync acme (manual)`, `sync acme (schedule)`. */
export function syncSummary(source: string, trigger: 'manual' | 'schedule'): string {
  return `sync ${source} (${trigger})`;
}

/** `import acme 2019–2026`, or `import acme from 2019` when the last year is left to the source. */
export function importSummary(source: string, fromYear: number, toYear?: number | null): string {
  return `import ${source} ${yearsLabel(fromYear, toYear)}`;
}

// ---- current details (the running workflow's one-line status) -------------------------------

export interface SyncDetailsInput {
  phase: string;
  /** Work units of the phase: datasets in master data, day batches in journal lines. */
  step?: { done: number; total: number; unit: string } | undefined;
  rows: number;
  failures: number;
}

/** `journal_lines · 11/40 day batches · 12,345 rows`. */
export function syncDetails(input: SyncDetailsInput): string {
  const parts = [input.phase];
  if (input.step) parts.push(`${input.step.done}/${input.step.total} ${input.step.unit}`);
  parts.push(`${thousands(input.rows)} rows`);
  if (input.failures > 0) parts.push(`${input.failures} failed`);
  return parts.join(' · ');
}

export interface ImportDetailsInput {
  phase: string;
  paused: boolean;
  partitions: { total: number; done: number; failed: number };
  rows: number;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
}

/** `importing · 37/117 partitions · 412,000 rows · 43k rows/s · ETA 12 min`. */
export function importDetails(input: ImportDetailsInput): string {
  const parts = [input.paused && input.phase === 'importing' ? 'paused' : input.phase];
  if (input.partitions.total > 0) parts.push(`${input.partitions.done}/${input.partitions.total} partitions`);
  parts.push(`${thousands(input.rows)} rows`);
  if (input.rowsPerSecond !== null) parts.push(`${compact(input.rowsPerSecond)} rows/s`);
  if (input.etaSeconds !== null && input.etaSeconds > 0) parts.push(`ETA ${duration(input.etaSeconds)}`);
  if (input.partitions.failed > 0) parts.push(`${input.partitions.failed} failed`);
  return parts.join(' · ');
}
