// `afas-sync import pause|resume|cancel|concurrency <source>`: signals and updates to the running
// import workflow, and what the other import commands ask about that workflow.
import type { SyncTarget } from '../../client/sync-control.js';
import type { CliRun } from '../context.js';
import { CliFailure } from '../errors.js';
import { currentAmsterdamYear } from '../parse.js';

/** The command that resumes an import with these years (the same years resume it). */
export function resumeCommand(source: string, fromYear: number, toYear: number | null | undefined): string {
  const explicitTo = toYear !== null && toYear !== undefined && toYear !== currentAmsterdamYear();
  return `afas-sync import ${source} --from-year ${fromYear}${explicitTo ? ` --to-year ${toYear}` : ''}`;
}

export async function executionOf(target: SyncTarget, workflowId: string): Promise<string | null> {
  const { workflowStatus } = await import('../../client/sync-control.js');
  return workflowStatus(target, workflowId);
}

type ControlAction = 'pause' | 'resume' | 'cancel';

/** The source's import must be running: signals to a closed workflow would fail less clearly. */
async function runningImport(cli: CliRun, source: string): Promise<SyncTarget> {
  await cli.ctx.source(source);
  const target = await cli.ctx.temporal();
  const { importWorkflowId } = await import('../../workflows/definitions.js');
  const execution = await executionOf(target, importWorkflowId(source));
  if (execution !== 'RUNNING') {
    throw new CliFailure(
      `no historical import of "${source}" is running${execution ? ` (the last one is ${execution.toLowerCase()})` : ''}; ` +
        `start one with \`afas-sync import ${source} --from-year <year>\``,
    );
  }
  return target;
}

export async function control(cli: CliRun, source: string, action: ControlAction): Promise<void> {
  const target = await runningImport(cli, source);
  const [{ pauseImport, resumeImport, cancelImport }, { workerPresence, noWorkerHint }] = await Promise.all([
    import('../../client/import-control.js'),
    import('../workers.js'),
  ]);
  const hint = noWorkerHint(await workerPresence(target), `the ${action}`);
  if (action === 'pause') {
    await pauseImport(target, source);
    cli.out.line(
      `import of "${source}" paused: running partition chunks finish their pages, no new ones start (resume with \`afas-sync import resume ${source}\`)`,
    );
  } else if (action === 'resume') {
    await resumeImport(target, source);
    cli.out.line(`import of "${source}" resumed`);
  } else {
    await cancelImport(target, source);
    const app = await cli.ctx.app();
    const { ImportStore } = await import('../../db/import-state.js');
    const [latest] = await new ImportStore(app.pool, app.schema).list(source, 1);
    const again = latest
      ? resumeCommand(source, latest.fromYear, latest.toYear)
      : `afas-sync import ${source} --from-year <year>`;
    cli.out.line(
      `cancelling the import of "${source}": running partitions stop at their next heartbeat; committed partitions stay and \`${again}\` resumes the rest`,
    );
  }
  if (hint) cli.out.note(`note: ${hint}`);
}

export async function setConcurrency(
  cli: CliRun,
  source: string,
  concurrency: number,
  running?: SyncTarget,
): Promise<void> {
  const target = running ?? (await runningImport(cli, source));
  const [{ setImportConcurrency }, { WorkflowUpdateFailedError }] = await Promise.all([
    import('../../client/import-control.js'),
    import('@temporalio/client'),
  ]);
  let applied: number;
  try {
    applied = await target.client.connection.withDeadline(Date.now() + 10_000, () =>
      setImportConcurrency(target, source, concurrency),
    );
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause?.message ?? error.message;
      throw new CliFailure(
        `concurrency of the import of "${source}" not changed: ${cause.split('\n')[0] ?? ''}`,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    if (/deadline|timed? ?out/i.test(message)) {
      throw new CliFailure(
        `concurrency of the import of "${source}" not changed: no worker took the change within 10 s (is a worker running? start one with \`afas-sync worker\`)`,
      );
    }
    throw error;
  }
  cli.out.line(`import of "${source}": concurrency set to ${applied}`);
}
