// Starts what the integration tests need, once per run: a real `temporal server start-dev`
// (headless, free ports, our search attributes) and a check that PostgreSQL answers. Missing
// pieces fail the run with a message saying how to get them; nothing is skipped.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import type { ProvidedContext } from 'vitest';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../src/temporal/dev-server.js';
import { sourcesNewest, stampBuilt } from '../helpers/build.js';
import { testAdminUrl } from '../helpers/admin-url.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    pgAdminUrl: string;
    /** Compiled project (`dist/`), for tests that run the worker or CLI as a real process. */
    distDir: string;
    /** Compiled tools (`dist-tools/tools/`: bench, soak), for tests that run them as `npm run` does. */
    toolsDir: string;
  }
}

async function assertPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${new URL(url).host} (${(error as Error).message}). Start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or point ' +
        'AFAS_SYNC_TEST_PG_ADMIN_URL at a server where this role may create databases.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Compiles one tsconfig and copies the SQL assets beside the compiled src/, as `npm run build`
 * and `npm run build:tools` do. Type errors are `npm run typecheck`'s business; here only missing
 * output is fatal.
 */
async function compile(tsconfig: string, compiledSrc: string, expected: string): Promise<void> {
  const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
  // --noCheck: emit only (isolatedModules makes the output the same as a checked build's), about
  // half the time of a checked one on two cores; `npm run typecheck` checks.
  const outcome = await promisify(execFile)(
    process.execPath,
    [tsc, '-p', `${ROOT}${tsconfig}`, '--noCheck'],
    { cwd: ROOT },
  ).catch((error: { stdout?: string }) => error);
  await promisify(execFile)(process.execPath, [`${ROOT}scripts/copy-assets.mjs`, compiledSrc], { cwd: ROOT });
  if (!existsSync(`${ROOT}${expected}`)) {
    throw new Error(
      `building ${expected} for the tests failed: ${String(outcome.stdout ?? '').slice(0, 2000)}`,
    );
  }
}

/**
 * Compiles src/ to dist/ so subprocess tests run the same code as production, and tools/ to
 * dist-tools/ (the bench and soak run the production worker from dist/).
 */
async function buildDist(): Promise<void> {
  await Promise.all([
    compile('tsconfig.build.json', 'dist', 'dist/worker.js'),
    compile('tsconfig.tools.json', 'dist-tools/src', 'dist-tools/tools/bench/run.js'),
  ]);
}

interface Stack {
  values: ProvidedContext;
  stop(): Promise<void>;
}

async function startStack(): Promise<Stack> {
  const adminUrl = testAdminUrl();
  await assertPostgres(adminUrl);
  const [started, bundled] = await Promise.allSettled([
    startDevServer({ extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=400'] }),
    bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url)),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    }),
  ]);
  if (started.status === 'rejected') throw started.reason;
  const server = started.value;
  if (bundled.status === 'rejected') {
    await server.stop();
    throw bundled.reason;
  }
  const bundle = bundled.value;
  const dir = fileURLToPath(new URL('../../.vitest-temporal/', import.meta.url));
  const bundlePath = `${dir}workflow-bundle-${process.pid}.js`;
  try {
    // What `npm run build` makes, stamped as such: the files that ensureBuilt() find it fresh
    // instead of building it once more.
    const newest = await sourcesNewest();
    await buildDist();
    await writeFile(`${ROOT}dist/workflow-bundle.js`, bundle.code);
    await stampBuilt(newest);
    await mkdir(dir, { recursive: true });
    await writeFile(bundlePath, bundle.code);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    values: {
      temporalAddress: server.address,
      workflowBundlePath: bundlePath,
      pgAdminUrl: adminUrl,
      distDir: `${ROOT}dist/`,
      toolsDir: `${ROOT}dist-tools/tools/`,
    },
    async stop() {
      await rm(bundlePath, { force: true });
      await server.stop();
    },
  };
}

/**
 * Both integration projects (the one that runs files two at a time and the one that runs its
 * files alone) name this setup, and vitest runs it once per project, each time in a module
 * runner of its own. The stack lives on vitest's globalThis so that both share one: the first
 * call starts it, the last teardown stops it.
 */
const SHARED = Symbol.for('afas-sync.integration-stack');
type Shared = { stack: Promise<Stack>; users: number };
const holder = globalThis as typeof globalThis & { [SHARED]?: Shared };

export default async function setup(project: TestProject) {
  const shared = (holder[SHARED] ??= { stack: startStack(), users: 0 });
  shared.users += 1;
  const stack = await shared.stack;
  for (const key of Object.keys(stack.values) as (keyof ProvidedContext)[])
    project.provide(key, stack.values[key]);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete holder[SHARED];
    await stack.stop();
  };
}
