// `afas-sync post <source> --file F --wait --json` as an operator runs it: the built CLI in its own
// process, against the bench's database and Temporal server.
import { execFile } from 'node:child_process';
import { PRODUCT_CLI } from '../repo-paths.js';

export interface CliOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs the CLI to its exit (or `timeoutMs`); a non-zero exit is an outcome, not an error. */
export function runPostCli(
  source: string,
  file: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<CliOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [PRODUCT_CLI, 'post', source, '--file', file, '--wait', '--json'],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ exitCode, stdout, stderr, seconds: (performance.now() - started) / 1000 });
      },
    );
  });
}

/** The CLI's `--json` answer, as far as the bench reads it (a refusal lists the batch's problems). */
export function cliProblems(outcome: CliOutcome): string[] {
  if (outcome.exitCode === 0) return [];
  const problems = [`afas-sync post exited ${outcome.exitCode ?? 'on its timeout'}`];
  try {
    const answer = JSON.parse(outcome.stdout) as {
      problems?: { entry: string | null; line: number | null; field: string; message: string }[];
      result?: { status?: string; reason?: string | null };
    };
    for (const problem of answer.problems?.slice(0, 5) ?? [])
      problems.push(
        `refused: entry ${problem.entry ?? '–'} line ${problem.line ?? '–'} ${problem.field}: ${problem.message}`,
      );
    if (answer.result) problems.push(`ended ${answer.result.status ?? '?'}: ${answer.result.reason ?? ''}`);
  } catch {
    problems.push(`${outcome.stdout}\n${outcome.stderr}`.trim().slice(-1_000));
  }
  return problems;
}
