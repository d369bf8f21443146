// `afas-sync worker`: the long-running worker process (what production deploys run).
import type { Command } from 'commander';
import type { CliRun } from '../context.js';

export function registerWorker(program: Command, cli: CliRun): void {
  program
    .command('worker')
    .description('run the sync worker until SIGINT/SIGTERM')
    .addHelpText(
      'after',
      `
Connects to Temporal (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE) and PostgreSQL
(DATABASE_URL; the database is created and migrated when needed) and runs every sync workflow
and activity. Needs AFAS_SYNC_SECRET_KEY to open tokens. With METRICS_PORT set it serves
/metrics (afas-sync and Temporal metrics), /healthz and /readyz on that port. Logs are JSON
lines (LOG_FORMAT=pretty for humans, LOG_LEVEL to change the level). On SIGTERM in-flight
activities get AFAS_SYNC_SHUTDOWN_GRACE_SECONDS (default 60) to commit.

Examples:
  $ afas-sync worker
  $ METRICS_PORT=9464 LOG_LEVEL=debug afas-sync worker`,
    )
    .action(async () => {
      const { runWorker } = await import('../../worker/run-worker.js');
      await runWorker({ config: cli.ctx.config() });
    });
}
