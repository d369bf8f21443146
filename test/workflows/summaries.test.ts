import { describe, expect, it } from 'vitest';
import { concurrencyProblem } from '../../src/workflows/import/operator-api.js';
import {
  administrationRange,
  administrationsLabel,
  dayBatchesSummary,
  dayBatchSummary,
  chunkSummary,
  compact,
  datasetSummary,
  daysSummary,
  duration,
  importDetails,
  importSummary,
  syncDetails,
  syncSummary,
  thousands,
} from '../../src/workflows/summaries.js';

describe('activity summaries', () => {
  it('names the dataset and its scope', () => {
    expect(datasetSummary({ dataset: 'debtors', administration: 0 })).toBe('debtors · all administrations');
    expect(datasetSummary({ dataset: 'journals', administration: 2 })).toBe('journals · admin 2');
  });

  it('gives the range and count of changed days, whatever their order', () => {
    const days = ['2025-03-31', '2025-03-01', '2025-03-14'].map((day) => ({ day, modified: 'x' }));
    expect(daysSummary({ dataset: 'journal_lines', administration: 2, days })).toBe(
      'journal_lines · admin 2 · 2025-03-01..2025-03-31 (3 days)',
    );
    expect(daysSummary({ dataset: 'journal_lines', administration: 1, days: [{ day: '2025-01-02' }] })).toBe(
      'journal_lines · admin 1 · 2025-01-02 (1 day)',
    );
  });

  it('names a partition chunk by dataset, partition and chunk number', () => {
    expect(chunkSummary('journal_lines/1/2024/07', 3)).toBe('journal_lines · partition 1/2024/07 · chunk 3');
    expect(chunkSummary('odd', 1)).toBe('partition odd · chunk 1');
  });

  it('names a planned day batch by administration and number (its days are in PostgreSQL)', () => {
    expect(dayBatchSummary({ dataset: 'journal_lines', administration: 7 }, 3, 31)).toBe(
      'journal_lines · admin 7 · day batch 3/31',
    );
  });

  it('names a child workflow of the replace loop by its administrations, days and batches', () => {
    expect(dayBatchesSummary('journal_lines', [1, 2, 3, 4, 5, 6, 7, 8, 9], 16425, 279)).toBe(
      'journal_lines · admins 1–9 · 16,425 days in 279 batches',
    );
    expect(dayBatchesSummary('journal_lines', [12], 1, 1)).toBe(
      'journal_lines · admin 12 · 1 day in 1 batch',
    );
    // A gap (an administration the App connector does not expose) is listed, not hidden in a range.
    expect(administrationRange([1, 2, 4])).toBe('admins 1, 2, 4');
    expect(administrationRange([])).toBe('no administrations');
  });

  it('lists at most five administrations', () => {
    expect(administrationsLabel([2])).toBe('admin 2');
    expect(administrationsLabel([1, 2, 3, 4, 5, 6, 7])).toBe('admins 1, 2, 3, 4, 5 +2');
    expect(administrationsLabel([])).toBe('no administrations');
  });
});

describe('static summaries', () => {
  it('say what started and why', () => {
    expect(syncSummary('acme', 'manual')).toBe('sync acme (manual)');
    expect(syncSummary('acme', 'schedule')).toBe('sync acme (schedule)');
    expect(importSummary('acme', 2019, 2026)).toBe('import acme 2019–2026');
    expect(importSummary('acme', 2024, 2024)).toBe('import acme 2024');
    expect(importSummary('acme', 2019)).toBe('import acme from 2019');
  });
});

describe('current details', () => {
  it('show a sync phase with its work units and rows', () => {
    expect(
      syncDetails({
        phase: 'journal_lines',
        step: { done: 11, total: 40, unit: 'day batches' },
        rows: 12_345,
        failures: 0,
      }),
    ).toBe('journal_lines · 11/40 day batches · 12,345 rows');
    expect(syncDetails({ phase: 'check', rows: 0, failures: 2 })).toBe('check · 0 rows · 2 failed');
  });

  it('show an import with partitions, rows, rate and time left', () => {
    const running = {
      phase: 'importing',
      paused: false,
      partitions: { total: 117, done: 37, failed: 0 },
      rows: 412_000,
      rowsPerSecond: 43_210,
      etaSeconds: 720,
    };
    expect(importDetails(running)).toBe(
      'importing · 37/117 partitions · 412,000 rows · 43k rows/s · ETA 12 min',
    );
    expect(importDetails({ ...running, paused: true, partitions: { total: 117, done: 37, failed: 2 } })).toBe(
      'paused · 37/117 partitions · 412,000 rows · 43k rows/s · ETA 12 min · 2 failed',
    );
    expect(
      importDetails({
        ...running,
        phase: 'planning',
        partitions: { total: 0, done: 0, failed: 0 },
        rows: 0,
        rowsPerSecond: null,
        etaSeconds: null,
      }),
    ).toBe('planning · 0 rows');
  });

  it('format numbers and durations without a locale', () => {
    expect(thousands(1_234_567)).toBe('1,234,567');
    expect(thousands(999)).toBe('999');
    expect(compact(9_999)).toBe('9,999');
    expect(compact(1_250_000)).toBe('1.3M');
    expect(compact(2_000_000)).toBe('2M');
    expect(duration(45)).toBe('45 s');
    expect(duration(5_400)).toBe('1 h 30 min');
    expect(duration(7_200)).toBe('2 h');
  });
});

describe('import concurrency validation', () => {
  it('accepts whole numbers from 1 to 5 only', () => {
    expect(concurrencyProblem(1)).toBeNull();
    expect(concurrencyProblem(5)).toBeNull();
    for (const bad of [0, 6, 2.5, Number.NaN, '3'])
      expect(concurrencyProblem(bad)).toMatch(/whole number from 1 to 5/);
  });
});
