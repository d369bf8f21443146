import { ConfigError } from '../config/index.js';

/** Errors whose message is already the whole story for an operator: printed as one line. */
const EXPECTED = new Set([
  'ConfigError',
  'DatabaseUnavailableError',
  'TemporalUnavailableError',
  'TemporalCliMissingError',
  'SourceNotFoundError',
  'TokenCryptoError',
  'CliUsageError',
  'AfasUsageError',
]);

export function exitCodeFor(error: unknown): number {
  if (error instanceof ConfigError || (error instanceof Error && error.name === 'CliUsageError')) return 2;
  return 1;
}

/** One line for the operator; a stack only for the unexpected, and only with DEBUG set. */
export function describeFatal(error: unknown): string {
  if (error instanceof Error) {
    const firstLine = error.message.split('\n')[0] ?? error.name;
    if (EXPECTED.has(error.name)) return firstLine;
    return process.env.DEBUG ? (error.stack ?? firstLine) : `${error.name}: ${firstLine}`;
  }
  return String(error);
}

export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = typeof code === 'number' ? code : 0;
    },
    (error: unknown) => {
      process.stderr.write(`afas-sync: ${describeFatal(error)}\n`);
      process.exit(exitCodeFor(error));
    },
  );
}
