// Runs the built `afas-sync` binary as a subprocess, the way an operator does.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './build.js';

export const BIN = join(ROOT, 'bin', 'afas-sync.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Variables that would leak the developer's own setup into a test run. */
const SCRUBBED = /^(DATABASE_URL|TEMPORAL_|AFAS_SYNC_|METRICS_PORT|LOG_LEVEL|LOG_FORMAT|PG[A-Z]*$)/;

export function cliEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!SCRUBBED.test(key)) env[key] = value;
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) env[key] = value;
  return env;
}

/** Every output of every command, so a test can assert what never appeared (tokens). */
export const allOutput: string[] = [];

export function runCli(
  args: readonly string[],
  options: { env: Record<string, string | undefined>; input?: string; timeoutMs?: number },
): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: cliEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      allOutput.push(stdout, stderr);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/** A long-running command (the worker) with its output collected. */
export function spawnCli(args: readonly string[], env: Record<string, string | undefined>): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref()),
      ]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        return null;
      }
      allOutput.push(output);
      return code;
    },
  };
}

/** The message lines a command printed to stderr (no blank lines). */
export function errorLines(result: CliResult): string[] {
  return result.stderr.split('\n').filter((line) => line.trim() !== '');
}

/** `source add <name>` of a paused test source on a simulator (the flags every CLI test repeats). */
export function sourceAddArgs(name: string, baseUrl: string): string[] {
  return [
    'source',
    'add',
    name,
    '--env-id',
    '12345',
    '--env-type',
    'test',
    '--base-url',
    baseUrl,
    '--paused',
  ];
}
