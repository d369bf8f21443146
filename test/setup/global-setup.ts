// Starts what the integration tests need, once per run: a real `temporal server start-dev`
// (headless, free ports, our search attributes) and a check that PostgreSQL answers. Missing
// pieces fail the run with a message saying how to get them; nothing is skipped.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startDevServer, type RunningDevServer } from '../../src/temporal/dev-server.js';
import { testAdminUrl } from '../helpers/admin-url.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    pgAdminUrl: string;
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

let server: RunningDevServer | undefined;

export default async function setup(project: TestProject) {
  const adminUrl = testAdminUrl();
  await assertPostgres(adminUrl);
  const [started, bundle] = await Promise.all([
    startDevServer({ extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=400'] }),
    bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url)),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    }),
  ]);
  server = started;
  const dir = fileURLToPath(new URL('../../.vitest-temporal/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const bundlePath = `${dir}workflow-bundle-${process.pid}.js`;
  await writeFile(bundlePath, bundle.code);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('pgAdminUrl', adminUrl);
  return async () => {
    await server?.stop();
  };
}
