// Everything the CLI prints goes through here: plain lines, aligned tables, JSON for scripts.

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  /** Numbers align right by default. */
  align?: 'left' | 'right';
}

const EMPTY = '-';

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return EMPTY;
  return typeof value === 'number' ? formatCount(value) : value.replace(/\s+/g, ' ');
}

/** Renders rows as a space-aligned table with a header line. */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((column) => cell(column.value(row))));
  const rightAligned = columns.map(
    (column) =>
      column.align === 'right' ||
      (column.align === undefined && rows.some((row) => typeof column.value(row) === 'number')),
  );
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => (line[index] ?? '').length)),
  );
  const format = (line: readonly string[]) =>
    line
      .map((text, index) => {
        const width = widths[index] ?? text.length;
        return rightAligned[index] ? text.padStart(width) : text.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [format(columns.map((column) => column.header)), ...cells.map(format)].join('\n');
}

export function formatCount(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
}

/** 900 → "15m", 5400 → "1h30m", 45 → "45s". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds}s`;
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  let rest = seconds;
  let text = '';
  for (const [size, unit] of units) {
    const amount = Math.floor(rest / size);
    if (amount > 0) text += `${amount}${unit}`;
    rest -= amount * size;
  }
  return text;
}

/** An instant as `2025-11-21 09:25:13Z`. */
export function formatTime(date: Date | null | undefined): string {
  if (!date) return EMPTY;
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** "5m ago" (or "in 5m" for the future). */
export function formatAge(date: Date | null | undefined, now: Date = new Date()): string {
  if (!date) return 'never';
  const seconds = (now.getTime() - date.getTime()) / 1000;
  return seconds >= 0 ? `${formatDuration(seconds)} ago` : `in ${formatDuration(-seconds)}`;
}

export function truncate(text: string | null | undefined, max: number): string | null {
  if (!text) return null;
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Where a command writes: stdout for results, stderr for notes and progress meant for humans. */
export class Output {
  constructor(
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  lines(texts: readonly string[]): void {
    for (const text of texts) this.line(text);
  }

  /** A note for the operator (hints, warnings) on stderr, so `--json` output stays parseable. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  table<T>(columns: readonly Column<T>[], rows: readonly T[]): void {
    this.line(renderTable(columns, rows));
  }

  /** `label  value` pairs, labels padded to one width. */
  fields(pairs: readonly (readonly [string, string])[]): void {
    const width = Math.max(...pairs.map(([label]) => label.length));
    for (const [label, value] of pairs) this.line(`${label.padEnd(width)}  ${value}`);
  }

  raw(text: string): void {
    this.stdout.write(text);
  }

  /** Whether results go to a terminal that can redraw a line (not a pipe, a file or TERM=dumb). */
  isTerminal(): boolean {
    return (this.stdout as Partial<NodeJS.WriteStream>).isTTY === true && process.env.TERM !== 'dumb';
  }

  /** The terminal's width in columns (80 when unknown). */
  columns(): number {
    const columns = (this.stdout as Partial<NodeJS.WriteStream>).columns;
    return typeof columns === 'number' && columns > 0 ? columns : 80;
  }

  rawError(text: string): void {
    this.stderr.write(text);
  }

  /** Resolves once everything written so far has been handed to the OS. */
  async flush(): Promise<void> {
    await Promise.all(
      [this.stdout, this.stderr].map(
        (stream) => new Promise<void>((resolve) => stream.write('', () => resolve())),
      ),
    );
  }
}
