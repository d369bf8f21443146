import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRODUCT_DIST } from '../repo-paths.js';

/** The production worker, as the image runs it. */
export const WORKER_SCRIPT = join(PRODUCT_DIST, 'worker.js');
/** The bench's simulator process, compiled beside this module. */
export const SIMULATOR_SCRIPT = fileURLToPath(new URL('./simulator-process.js', import.meta.url));

export interface ChildHandle {
  child: ChildProcess;
  output: string[];
  /** Peak resident set size (VmHWM) in bytes, read from /proc while the process lives. */
  peakRss(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts `node <script>` (an absolute path) and resolves when a line matching `ready` appears on stdout. */
export async function startNode(
  script: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  nodeArgs: readonly string[] = [],
): Promise<ChildHandle & { readyLine: string }> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const readyLine = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output.push(text);
      if (output.length > 200) output.shift();
      const line = text.split('\n').find((candidate) => ready.test(candidate));
      if (line) resolve(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`${script} exited with ${code}: ${output.join('').slice(-2000)}`)),
    );
  });
  return {
    child,
    output,
    readyLine,
    async peakRss() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      return match ? Number(match[1]) * 1024 : 0;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // Unref'd: once the process is gone, the bound must not hold this one open for 15 s more.
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
