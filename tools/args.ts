// Argument checks the benchmarks share (bench:fleet, bench:post): one line naming the option.

/** A bad command-line argument: the tool prints its message and exits 2. */
export class ToolArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolArgsError';
  }
}

export function wholeNumber(name: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(value) || value < min || value > max)
    throw new ToolArgsError(`--${name} must be a whole number from ${min} to ${max}`);
  return value;
}

/** `--database`: the tool drops and creates it by name, so only a plain lower-case SQL identifier. */
export function databaseName(text: string): string {
  if (!/^[a-z_][a-z0-9_]{0,50}$/.test(text))
    throw new ToolArgsError('--database must be a lower-case SQL identifier of at most 51 characters');
  return text;
}
