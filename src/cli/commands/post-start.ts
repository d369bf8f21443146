// `afas-sync post <source> --file F | --outbox ID [--wait] [--json]`: check the batch, register it,
// start (or attach to) its workflow, and with --wait exit by how it ended. Nothing is stored and
// no workflow starts unless the batch passes every check `post check` makes.
import type { AppContext } from '../../app/context.js';
import type { StartedPost } from '../../client/post-control.js';
import { postExitCode, type PostBatchResult } from '../../write-back/post-types.js';
import type { CliRun } from '../context.js';
import { CliFailure, CliUsageError } from '../errors.js';
import { parseBatchId, parseSourceName } from '../parse.js';
import { refuseReadOnlySource } from '../write-back.js';
import type { Output } from '../output.js';
import { printPostResult } from '../post-result.js';
import { readBatchFile } from './post-check.js';

export interface PostFlags {
  file?: string;
  outbox?: string;
  wait?: boolean;
  json?: boolean;
}

/** Where the batch comes from: a file (read at once, so an unreadable one is exit 2) or the outbox. */
type BatchInput = { origin: 'file'; text: string } | { origin: 'outbox'; batch: string };

async function batchInput(flags: PostFlags): Promise<BatchInput> {
  if ((flags.file === undefined) === (flags.outbox === undefined))
    throw new CliUsageError(
      flags.file === undefined
        ? 'give the batch to post: --file <path> (a batch file) or --outbox <batch> (rows in the outbox tables)'
        : '--file and --outbox cannot go together: a batch comes from a file or from the outbox, not both',
    );
  return flags.file !== undefined
    ? { origin: 'file', text: await readBatchFile(flags.file) }
    : { origin: 'outbox', batch: parseBatchId(flags.outbox ?? '', '--outbox') };
}

/** The batch's text; the outbox's rows read as a batch file's. */
async function batchText(app: AppContext, source: string, input: BatchInput): Promise<string> {
  if (input.origin === 'file') return input.text;
  const { readOutboxBatch, OutboxEmptyError } = await import('../../write-back/outbox.js');
  return readOutboxBatch(app.pool, app.schema, source, input.batch).catch((error: unknown) => {
    if (error instanceof OutboxEmptyError) throw new CliFailure(error.message);
    throw error;
  });
}

interface PostOutcome {
  source: string;
  batch: string;
  workflowId: string;
  /** `attached`: the same content was registered before (nothing written now). */
  registration: 'registered' | 'attached';
  /** `attached`: the batch's workflow ran or runs already; `ended`: the batch ended, none is started. */
  workflow: 'started' | 'attached' | 'ended';
  entries: number;
  lines: number;
  result?: PostBatchResult;
}

export async function postCommand(cli: CliRun, name: string, flags: PostFlags): Promise<number> {
  const source = parseSourceName(name);
  const input = await batchInput(flags);
  const app = await cli.ctx.app();
  refuseReadOnlySource(await app.sources.get(source));
  const text = await batchText(app, source, input);
  const { checkBatchToPost } = await import('../../write-back/check-batch.js');
  const { report, postable } = await checkBatchToPost(app.pool, app.schema, source, text);
  if (!postable) {
    if (flags.json === true) cli.out.json(report);
    else (await import('../post-report.js')).printBatchCheck(cli.out, report);
    return 1;
  }
  // Temporal before anything is written: an unreachable server leaves no batch behind.
  const target = await cli.ctx.temporal();
  const [{ PostBatchStore, batchFinal, conflictMessage }, { startPost }, { postWorkflowId }] =
    await Promise.all([
      import('../../db/post-batches.js'),
      import('../../client/post-control.js'),
      import('../../workflows/definitions.js'),
    ]);
  const store = new PostBatchStore(app.schema);
  const workflowId = postWorkflowId(source, postable.batch);
  const registration = await store.register(app.pool, {
    source,
    batch: postable.batch,
    origin: input.origin,
    entries: postable.entries,
    lines: postable.lines,
    workflowId,
  });
  if (registration.outcome === 'conflict') throw new CliFailure(conflictMessage(registration.record));
  const outcome: PostOutcome = {
    source,
    batch: postable.batch,
    workflowId,
    registration: registration.outcome,
    workflow: 'ended',
    entries: postable.entries.length,
    lines: postable.lines,
  };
  // An ended batch is never started again, even when Temporal no longer keeps its workflow.
  const started = batchFinal(registration.record)
    ? undefined
    : await startPost(target, source, postable.batch);
  if (started) {
    outcome.workflow = started.started ? 'started' : 'attached';
    const { workerPresence, noWorkerHint } = await import('../workers.js');
    const hint = noWorkerHint(await workerPresence(target), 'the batch');
    if (hint) cli.out.note(`note: ${hint}`);
  }
  if (flags.wait === true) outcome.result = await waitForEnd(cli, app, outcome, started?.handle);
  if (flags.json === true) cli.out.json(outcome);
  else printOutcome(cli.out, outcome, registration.record.createdAt, input.origin);
  return outcome.result ? postExitCode(outcome.result.status) : 0;
}

/**
 * The batch's end: the workflow's result, or PostgreSQL's record when there is no workflow to wait
 * for. A batch the workflow left posted_unconfirmed may have been confirmed by a sync since: the
 * record then says so.
 */
async function waitForEnd(
  cli: CliRun,
  app: AppContext,
  outcome: PostOutcome,
  handle: StartedPost['handle'] | undefined,
): Promise<PostBatchResult> {
  const { source, batch, workflowId } = outcome;
  const [{ PostSagaStore }, { postResult }] = await Promise.all([
    import('../../db/post-saga.js'),
    import('../../client/post-control.js'),
  ]);
  // On stderr: --json output stays parseable.
  if (handle) cli.out.note(`waiting for batch ${batch} (Ctrl-C stops waiting; the batch goes on)`);
  const fromWorkflow = handle
    ? await postResult(handle).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        throw new CliFailure(
          `the workflow ${workflowId} ended without a result (${reason}): what is in AFAS is in ` +
            `\`afas-sync post status ${source} --batch ${batch}\`; posting the batch again resumes it`,
          3,
        );
      })
    : undefined;
  if (fromWorkflow && fromWorkflow.status !== 'posted_unconfirmed') return fromWorkflow;
  // The same count of the entries the workflow's last step returns.
  const recorded = await new PostSagaStore(app.pool, app.schema).result({ source, batch });
  if (fromWorkflow && recorded.status !== 'confirmed') return fromWorkflow;
  if (!fromWorkflow)
    cli.out.note(
      handle
        ? `note: Temporal no longer keeps the workflow of batch ${batch}; the batch as PostgreSQL records it:`
        : `note: batch ${batch} already ended; its end as PostgreSQL records it:`,
    );
  return recorded;
}

function printOutcome(out: Output, outcome: PostOutcome, registeredAt: Date, origin: string): void {
  const size = `${outcome.entries} entr${outcome.entries === 1 ? 'y' : 'ies'}, ${outcome.lines} line(s)`;
  const when = registeredAt.toISOString().replace('T', ' ').slice(0, 19);
  out.line(
    outcome.registration === 'registered'
      ? `registered batch ${outcome.batch} for "${outcome.source}" from the ${origin}: ${size}`
      : `batch ${outcome.batch} for "${outcome.source}" was registered on ${when} UTC with the same content ` +
          `(${size}): attached to it; nothing is registered or posted twice`,
  );
  out.line(
    {
      started: `started workflow ${outcome.workflowId}`,
      attached: `attached to workflow ${outcome.workflowId} (it already runs, or ran to its end)`,
      ended: `the batch already ended: no workflow is started (workflow id ${outcome.workflowId})`,
    }[outcome.workflow],
  );
  if (outcome.result) {
    out.line();
    printPostResult(out, outcome.result);
  } else {
    out.line(
      `follow it with \`afas-sync post status ${outcome.source} --batch ${outcome.batch}\`` +
        (outcome.workflow === 'ended' ? '' : ' (a worker, `afas-sync worker`, posts it)'),
    );
  }
}
