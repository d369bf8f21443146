// Runs one CLI invocation: parse, run the command, close what it opened, exit with its code.
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { describeFatal, exitCodeFor } from '../app/run-main.js';
import { loadConfig } from '../config/index.js';
import { CliContext, type CliRun } from './context.js';
import { CliFailure } from './errors.js';
import { Output } from './output.js';
import { buildProgram, CLI_NAME } from './program.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** One line for the operator and the exit code for an error that ended a command. */
export function failureOf(error: unknown): { message: string | undefined; code: number } {
  if (error instanceof CommanderError) {
    // Commander already printed its one line (or the help/version text).
    const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
    return { message: undefined, code: ok ? 0 : 2 };
  }
  if (error instanceof CliFailure) return { message: error.message.split('\n')[0], code: error.exitCode };
  return { message: describeFatal(error), code: exitCodeFor(error) };
}

export async function runCli(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const out = new Output();
  let exitCode = 0;
  const cli: CliRun = {
    ctx: new CliContext(env, out, loadConfig),
    out,
    exit: (code) => {
      exitCode = code;
    },
  };
  try {
    await buildProgram(cli, packageVersion()).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    const failure = failureOf(error);
    if (failure.message) out.rawError(`${CLI_NAME}: ${failure.message}\n`);
    exitCode = failure.code;
  } finally {
    await cli.ctx.close();
  }
  await out.flush();
  return exitCode;
}
