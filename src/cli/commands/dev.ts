// `afas-sync dev [--demo]`: the whole system on one machine, for trying it and for development.
import { mkdir } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { AppConfig } from '../../config/index.js';
import type { CliRun } from '../context.js';
import { CliUsageError } from '../errors.js';
import { formatDuration, type Output } from '../output.js';
import { currentAmsterdamYear, parsePort } from '../parse.js';

const DEFAULT_DATA_DIR = '.afas-sync';
const DEFAULT_PORT = '7233';
const DEFAULT_UI_PORT = '8233';

interface DevFlags {
  demo?: boolean;
  dataDir: string;
  port: string;
  uiPort: string;
}

export function registerDev(program: Command, cli: CliRun): void {
  program
    .command('dev')
    .description(
      'run everything locally: Temporal dev server + Web UI, PostgreSQL, the AFAS simulator, a worker, a demo source',
    )
    .option(
      '--demo',
      'sync the demo source, import its last two years of history, print what landed in PostgreSQL, and exit',
    )
    .option(
      '--data-dir <dir>',
      'Temporal database, server log and generated secret key live here',
      DEFAULT_DATA_DIR,
    )
    .option('--port <port>', 'Temporal frontend port', DEFAULT_PORT)
    .option('--ui-port <port>', 'Temporal Web UI port', DEFAULT_UI_PORT)
    .addHelpText(
      'after',
      `
Starts \`temporal server start-dev\` with its state in <data-dir>/temporal.db (runs survive
restarts), uses PostgreSQL at DATABASE_URL (default postgres://localhost:5432/afas_sync; the
database is created when missing), generates AFAS_SYNC_SECRET_KEY into <data-dir>/secret.key
(mode 0600) when it is not set, starts the AFAS simulator and a worker in this process, and
registers the source "demo" pointing at the simulator, with an OAuth client whose secret is
made up for the run. Without --demo it runs until Ctrl-C;
use the other commands from a second terminal (e.g. \`afas-sync sync demo --wait\`).

Exit codes with --demo: 0 when the sync and the import succeeded, 1 when one failed, 3 partial.

Examples:
  $ afas-sync dev --demo
  $ afas-sync dev
  $ afas-sync dev --data-dir /tmp/afas --port 7300 --ui-port 8300`,
    )
    .action(async (flags: DevFlags) => cli.exit(await dev(cli, flags)));
}

async function dev(cli: CliRun, flags: DevFlags): Promise<number> {
  const { out, ctx } = cli;
  const port = parsePort(flags.port, '--port');
  const uiPort = parsePort(flags.uiPort, '--ui-port');
  if (port === uiPort) throw new CliUsageError('--port and --ui-port must differ');
  const dataDir = resolve(flags.dataDir);
  const nearby = relative(process.cwd(), dataDir);
  const shownDir = nearby === '' ? '.' : nearby.startsWith('..') ? dataDir : nearby;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const [{ devSecretKey }, { loadConfig }, { createLogger }] = await Promise.all([
    import('../dev/secret-file.js'),
    import('../../config/index.js'),
    import('../../observability/logger.js'),
  ]);
  const key = await devSecretKey(dataDir, ctx.env);
  if (key.notice) out.note(key.notice);
  const env: Record<string, string | undefined> = {
    ...ctx.env,
    AFAS_SYNC_SECRET_KEY: key.value,
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
  };
  const config = loadConfig(env);
  const logger = createLogger({
    level: env.LOG_LEVEL ? config.logLevel : flags.demo ? 'warn' : 'info',
    format: env.LOG_FORMAT ? config.logFormat : 'pretty',
  });
  out.line(`starting Temporal, the AFAS simulator and a worker (data in ${shownDir}) …`);
  const [{ startDevStack }, { registerDemoSource, DEMO_SOURCE }, { runDemo }] = await Promise.all([
    import('../dev/stack.js'),
    import('../dev/demo-source.js'),
    import('../dev/demo.js'),
  ]);
  const stack = await startDevStack({
    config,
    logger,
    dataDir,
    port,
    uiPort,
    shutdownGraceSeconds: env.AFAS_SYNC_SHUTDOWN_GRACE_SECONDS ? config.shutdownGraceSeconds : 10,
  });
  const onSignal = () => {
    out.note('stopping …');
    void stack.stop();
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const demo = await registerDemoSource(stack.app, stack.target, stack.simulator.baseUrl, stack.demoClient);
    printBanner(out, config, {
      address: stack.devServer.address,
      uiUrl: stack.uiUrl,
      dataDir: shownDir,
      simulator: stack.simulator.baseUrl,
      demo:
        `${DEMO_SOURCE} (${demo.created ? 'registered' : 'updated'}; schedule every ${formatDuration(demo.record.syncIntervalSeconds)}; ` +
        `OAuth client ${stack.demoClient.clientId})`,
      metricsPort: stack.metricsPort,
    });
    if (flags.demo) {
      return await runDemo({
        stack,
        out,
        dataDir: shownDir,
        namespace: config.temporalNamespace,
        restartCommand: restartCommand(flags),
      });
    }
    out.line();
    out.line('Running until Ctrl-C. In another terminal, try:');
    out.line(
      `  TEMPORAL_ADDRESS=${stack.devServer.address} node bin/afas-sync.js sync ${DEMO_SOURCE} --wait`,
    );
    out.line(`  TEMPORAL_ADDRESS=${stack.devServer.address} node bin/afas-sync.js status ${DEMO_SOURCE}`);
    out.line(
      `  TEMPORAL_ADDRESS=${stack.devServer.address} node bin/afas-sync.js import ${DEMO_SOURCE} --from-year ${currentAmsterdamYear() - 2} --wait`,
    );
    await stack.running;
    return 0;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await stack.stop();
  }
}

/** The same stack without --demo: what to run to browse the demo's history in the Web UI. */
function restartCommand(flags: DevFlags): string {
  const parts = ['node bin/afas-sync.js dev'];
  if (flags.dataDir !== DEFAULT_DATA_DIR) parts.push(`--data-dir ${flags.dataDir}`);
  if (flags.port !== DEFAULT_PORT) parts.push(`--port ${flags.port}`);
  if (flags.uiPort !== DEFAULT_UI_PORT) parts.push(`--ui-port ${flags.uiPort}`);
  return parts.join(' ');
}

function printBanner(
  out: Output,
  config: AppConfig,
  parts: {
    address: string;
    uiUrl: string;
    dataDir: string;
    simulator: string;
    demo: string;
    metricsPort: number | undefined;
  },
): void {
  const database = new URL(config.databaseUrl);
  out.line();
  out.fields([
    [
      'Temporal',
      `${parts.address} (state in ${parts.dataDir}/temporal.db, log in ${parts.dataDir}/temporal.log)`,
    ],
    ['Web UI', parts.uiUrl],
    [
      'PostgreSQL',
      `${database.hostname}:${database.port || '5432'}${database.pathname} (schema ${config.dbSchema})`,
    ],
    ['simulator', `${parts.simulator} (control API on)`],
    ['worker', `task queue ${config.taskQueue}`],
    ['source', parts.demo],
    ...(parts.metricsPort ? [['metrics', `http://127.0.0.1:${parts.metricsPort}/metrics`] as const] : []),
  ]);
  out.line();
}
