import { parseArgs } from 'node:util';

export interface SoakOptions {
  /** Seeds the fault schedule, the simulator data and the mutations: the same seed replays the run. */
  seed: number;
  /** Minutes of chaos (settling and verification come on top). */
  minutes: number;
  /** Sources synced at once (the second uses the Finstack_ connector set). */
  sources: number;
  /** Journal lines per administration and year in the simulator. */
  linesPerYear: number;
  /** Also run one historical import (of the first source) under chaos. */
  historicalImport: boolean;
  /** Compiled project (`dist/`), for `node dist/worker.js`. */
  distDir: string;
}

export class SoakArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoakArgsError';
  }
}

function number(name: string, text: string | undefined, min: number, max: number, integer: boolean): number {
  const value = Number(text);
  if (
    text === undefined ||
    text.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new SoakArgsError(
      `--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`,
    );
  }
  return value;
}

/** `--seed S --minutes M [--sources N] [--lines-per-year L] [--no-import]`. */
export function parseSoakArgs(argv: readonly string[], distDir: string): SoakOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        seed: { type: 'string', default: String(Date.now() % 1_000_000) },
        minutes: { type: 'string', default: '5' },
        sources: { type: 'string', default: '3' },
        'lines-per-year': { type: 'string', default: '1500' },
        'no-import': { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (error) {
    throw new SoakArgsError((error as Error).message);
  }
  const { values } = parsed;
  return {
    seed: number('seed', values.seed, 0, 2 ** 32 - 1, true),
    minutes: number('minutes', values.minutes, 0.25, 24 * 60, false),
    sources: number('sources', values.sources, 1, 5, true),
    linesPerYear: number('lines-per-year', values['lines-per-year'], 10, 100_000, true),
    historicalImport: !values['no-import'],
    distDir,
  };
}
