// `afas-sync post cancel <source> --batch ID`: the request goes to PostgreSQL first, so it stands
// even when the workflow is not running now (it takes the request when it next begins); then the
// running workflow is signalled, to stop posting and take the batch back out of AFAS.
import type { CliRun } from '../context.js';
import { CliFailure } from '../errors.js';

export async function cancelCommand(cli: CliRun, source: string, batch: string): Promise<number> {
  const app = await cli.ctx.app();
  await app.sources.get(source);
  const { PostBatchStore, batchFinal } = await import('../../db/post-batches.js');
  const request = await new PostBatchStore(app.schema).requestCancel(app.pool, source, batch);
  if (request.outcome === 'unknown')
    throw new CliFailure(
      `no batch "${batch}" for source "${source}" (\`afas-sync post status ${source}\` lists its batches)`,
    );
  if (request.outcome === 'ended') {
    const { status, reason } = request.record;
    throw new CliFailure(
      batchFinal(request.record)
        ? `batch ${batch} of "${source}" already ended as ${status}${reason === null ? '' : ` (${reason})`}: ` +
            'nothing to cancel'
        : `batch ${batch} of "${source}" is posted whole (${status}): a cancel no longer applies; every entry ` +
            'stays in AFAS (reverse them with a new batch if they must go)',
    );
  }
  const target = await cli.ctx.temporal().catch((error: unknown) => {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new CliFailure(
      `the cancel of batch ${batch} is recorded, but its workflow could not be told (${reason}): run this ` +
        'command again once Temporal answers',
    );
  });
  const { signalCancelPost } = await import('../../client/post-control.js');
  const signalled = await signalCancelPost(target, source, batch);
  const again = request.again ? ' (asked again)' : '';
  cli.out.line(
    signalled
      ? `cancel of batch ${batch} of "${source}" requested${again}: its workflow stops posting and takes ` +
          'back out of AFAS what the batch posted'
      : `cancel of batch ${batch} of "${source}" recorded${again}; its workflow does not run now and takes ` +
          'the request when it next starts',
  );
  cli.out.line(`follow it with \`afas-sync post status ${source} --batch ${batch}\``);
  return 0;
}
