// Errors the CLI turns into one line on stderr and an exit code; never a stack trace.

/** A bad argument or flag: exit code 2. The message names the argument. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/**
 * The command ran but the outcome is a failure the operator must act on (missing connectors,
 * a failed sync): printed as one line, exit code 1 unless stated.
 */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}
