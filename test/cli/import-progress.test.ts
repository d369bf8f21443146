// How `afas-sync import` reads its arguments and shows progress (pure functions and the
// terminal renderer, against a fake terminal).
import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../src/cli/errors.js';
import {
  describeImportProgress,
  formatClock,
  liveImportLines,
  progressBar,
} from '../../src/cli/import-progress.js';
import { describeImportOutcome, exitCodeForImport, type ImportOutcome } from '../../src/cli/import-watch.js';
import { fit, LiveDisplay } from '../../src/cli/live-display.js';
import {
  parseImportConcurrency,
  parseImportYears,
  parseNewSourceName,
  parseYear,
  RESERVED_SOURCE_NAMES,
} from '../../src/cli/parse.js';
import type { ImportProgress } from '../../src/workflows/definitions.js';

function sample(overrides: Partial<ImportProgress> = {}): ImportProgress {
  return {
    source: 'acme',
    importId: 'i-1',
    runId: 'r-1',
    phase: 'importing',
    status: 'running',
    paused: false,
    concurrency: 4,
    fromYear: 2019,
    toYear: 2025,
    datasets: ['journal_lines'],
    administrations: [1, 2],
    partitions: { total: 108, done: 40, running: 4, failed: 0, pending: 64 },
    rows: 123_456,
    rowsThisAttempt: 123_456,
    rowsPerSecond: 9_876,
    etaSeconds: 42,
    runningPartitions: [
      { key: 'journal_lines/1/2023/03', since: '2025-11-21T10:00:00.000Z', chunks: 1 },
      { key: 'journal_lines/1/2023/04', since: '2025-11-21T10:00:05.000Z', chunks: 2 },
    ],
    lastError: null,
    startWatermark: '2025-11-21T09:59:00',
    startedAt: '2025-11-21T09:59:00.000Z',
    updatedAt: '2025-11-21T10:00:10.000Z',
    workflowRuns: 1,
    ...overrides,
  };
}

describe('import arguments', () => {
  it('reads years: four digits, 1900 or later, at most next year, from ≤ to', () => {
    expect(parseYear('2019', '--from-year', 2025)).toBe(2019);
    expect(parseYear('2026', '--to-year', 2025)).toBe(2026);
    expect(() => parseYear('19', '--from-year', 2025)).toThrow(
      /--from-year must be a year like 2019 \(got "19"\)/,
    );
    expect(() => parseYear('abc', '--from-year', 2025)).toThrow(CliUsageError);
    expect(() => parseYear('1899', '--from-year', 2025)).toThrow(
      /--from-year must be 1900 or later \(got 1899\)/,
    );
    expect(() => parseYear('2027', '--to-year', 2025)).toThrow(/--to-year must be at most 2026/);
    expect(parseImportYears('2019', undefined, 2025)).toEqual({ fromYear: 2019, toYear: undefined });
    expect(parseImportYears('2019', '2020', 2025)).toEqual({ fromYear: 2019, toYear: 2020 });
    expect(() => parseImportYears(undefined, '2020', 2025)).toThrow(/--from-year is required/);
    expect(() => parseImportYears('2021', '2020', 2025)).toThrow(/--from-year 2021 is after --to-year 2020/);
    expect(() => parseImportYears('2026', undefined, 2025)).toThrow(
      /--from-year 2026 is after the current year 2025 \(pass --to-year/,
    );
    expect(() => parseImportYears('1900', '2025', 2025)).toThrow(/at most 100 years/);
  });

  it('bounds the concurrency to 1..5 and keeps import subcommand names free', () => {
    expect(parseImportConcurrency('5')).toBe(5);
    for (const bad of ['0', '6', '2.5', 'x'])
      expect(() => parseImportConcurrency(bad)).toThrow(/--concurrency/);
    expect(parseNewSourceName('acme')).toBe('acme');
    expect(RESERVED_SOURCE_NAMES).toEqual(['status', 'pause', 'resume', 'cancel', 'concurrency', 'check']);
    for (const name of RESERVED_SOURCE_NAMES)
      expect(() => parseNewSourceName(name)).toThrow(new RegExp(`source name "${name}" is reserved`));
    expect(() => parseNewSourceName('Acme')).toThrow(/source name must be/);
  });
});

describe('import progress', () => {
  it('reads as one plain line', () => {
    expect(describeImportProgress(sample())).toBe(
      'import acme: 40/108 partitions, 123,456 rows, 9,876 rows/s, ETA 0:42, 4 running',
    );
    expect(
      describeImportProgress(
        sample({ paused: true, partitions: { total: 108, done: 40, running: 0, failed: 2, pending: 66 } }),
      ),
    ).toBe('import acme: 40/108 partitions, 123,456 rows, - rows/s, ETA -, 2 failed, PAUSED');
    expect(describeImportProgress(sample({ rowsPerSecond: null, etaSeconds: null }))).toContain(
      '- rows/s, ETA -',
    );
    expect(describeImportProgress(sample({ phase: 'planning', toYear: null }))).toBe(
      'import acme: planning 2019 to this year (journal_lines)',
    );
    expect(
      describeImportProgress(
        sample({
          phase: 'done',
          status: 'succeeded',
          etaSeconds: 0,
          partitions: { total: 108, done: 108, running: 0, failed: 0, pending: 0 },
        }),
      ),
    ).toBe('import acme: 108/108 partitions, 123,456 rows, 9,876 rows/s, ETA 0:00, done');
  });

  it('formats clocks and bars', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(42)).toBe('0:42');
    expect(formatClock(754)).toBe('12:34');
    expect(formatClock(3723)).toBe('1:02:03');
    expect(progressBar(sample(), 10)).toBe('[████░░░░░░]');
    expect(
      progressBar(sample({ partitions: { total: 0, done: 0, running: 0, failed: 0, pending: 0 } }), 4),
    ).toBe('[░░░░]');
  });

  it('shows a bar with the running partitions, or why nothing runs', () => {
    const now = Date.parse('2025-11-21T10:00:12.000Z');
    expect(liveImportLines(sample(), { source: 'acme', elapsedSeconds: 75, now })).toEqual([
      'import acme [█████████░░░░░░░░░░░░░░░] 40/108 partitions  123,456 rows  9,876 rows/s  ETA 0:42  (1:15)',
      '  running administration/year/period 1/2023/03 (12s), 1/2023/04 (7s)',
    ]);
    const paused = liveImportLines(sample({ paused: true }), { source: 'acme', elapsedSeconds: 1, now });
    expect(paused[1]).toBe(
      '  PAUSED (4 running chunk(s) finishing); resume with `afas-sync import resume acme`',
    );
    expect(
      liveImportLines(undefined, { source: 'acme', elapsedSeconds: 3, waitingFor: 'no worker' }),
    ).toEqual(['import acme  0:03  no worker']);
    expect(liveImportLines(sample({ phase: 'planning' }), { source: 'acme', elapsedSeconds: 1 })).toEqual([
      'import acme  0:01  planning 2019–2025 (journal_lines) …',
    ]);
  });

  it('sums up an outcome and maps it to the exit codes of sync', () => {
    const outcome: ImportOutcome = {
      source: 'acme',
      status: 'succeeded',
      result: undefined,
      error: undefined,
      progress: undefined,
      importId: 'i-1',
      runId: 'r-1',
      partitions: { total: 52, done: 52, failed: 0 },
      rows: 8_000,
      rowsThisAttempt: 8_000,
      rowsPerSecond: 1_143,
      seconds: 7,
      watermark: '2025-11-21T09:59:00',
    };
    expect(describeImportOutcome(outcome)).toBe('52/52 partitions, 8,000 rows in 0:07, 1,143 rows/s');
    expect(
      describeImportOutcome({
        ...outcome,
        partitions: { total: 52, done: 50, failed: 2 },
        rowsThisAttempt: 500,
      }),
    ).toBe('50/52 partitions (2 failed), 8,000 rows (500 this attempt) in 0:07, 1,143 rows/s');
    expect([
      exitCodeForImport('succeeded'),
      exitCodeForImport('partial'),
      exitCodeForImport('failed'),
    ]).toEqual([0, 3, 1]);
    expect(exitCodeForImport('cancelled')).toBe(1);
  });
});

describe('live display on a terminal', () => {
  function terminal(columns = 40) {
    const writes: string[] = [];
    let clock = 0;
    const display = new LiveDisplay(
      { write: (text: string) => writes.push(text) },
      { columns: () => columns, now: () => clock, minFrameMs: 200 },
    );
    return {
      display,
      writes,
      advance: (ms: number) => {
        clock += ms;
      },
    };
  }

  it('redraws in place with \\r and ANSI, cut to the width, at most every 200 ms', () => {
    const { display, writes, advance } = terminal(20);
    expect(display.render(['first frame', 'second line'])).toBe(true);
    expect(writes).toEqual(['\r\u001b[Jfirst frame\nsecond line']);
    advance(100);
    expect(display.render(['too soon', 'x'])).toBe(false);
    advance(150);
    expect(display.render(['a line much longer than twenty columns', 'b'])).toBe(true);
    // Back to the frame's first line (one up), clear to the end, draw; cut to 19 columns.
    expect(writes[1]).toBe('\r\u001b[1A\u001b[Ja line much longer…\nb');
    advance(500);
    expect(display.render(['a line much longer than twenty columns', 'b'])).toBe(false);
    expect(display.render(['forced', 'b'], true)).toBe(true);
    display.done();
    expect(writes.at(-1)).toBe('\n');
    // After done(), the next frame starts on a fresh line without moving up.
    expect(display.render(['next'], true)).toBe(true);
    expect(writes.at(-1)).toBe('\r\u001b[Jnext');
    display.clear();
    expect(writes.at(-1)).toBe('\r\u001b[J');
  });

  it('cuts lines by characters and flattens control characters', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('██████', 3)).toBe('██…');
    expect(fit('a\tb\u001b[2Jc', 20)).toBe('a b [2Jc');
  });
});
