// The one frame every activity runs in, sync and import alike: load the source, open its AFAS
// client, heartbeat, count AFAS calls, mark the source when AFAS (or its stored credential)
// refuses us, and map whatever went wrong to the retry matrix.
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { classifyAfasError } from '../afas/classify.js';
import { AfasUsageError } from '../afas/errors.js';
import { ImportNotFoundError, PartitionConflictError } from '../db/import-state.js';
import type { SourceRecord } from '../db/sources.js';
import { TokenCryptoError } from '../db/token-crypto.js';
import { FailureType } from '../temporal/failure-types.js';
import { AfasSession } from './afas-session.js';
import { datasetSyncContext, massDeleteGuard, type DatasetSyncContext } from './dataset-sync.js';
import type { ActivityDeps, AfasLease } from './deps.js';
import { toApplicationFailure } from './failures.js';

export type HeartbeatDetails = Record<string, unknown>;

/** What an AFAS activity body gets. */
export interface AfasActivity {
  session: AfasSession;
  source: SourceRecord;
  /**
   * Heartbeats now. Details given become the latest details, which the background heartbeat
   * repeats, so a retry of the activity (and an operator) sees where it was.
   */
  heartbeat: (details?: HeartbeatDetails) => void;
  /** Aborted when the activity is cancelled (workflow cancel, worker shutdown). */
  signal: AbortSignal;
}

/** Background heartbeats: a third of the timeout, between 0.2 and 10 seconds. */
function heartbeatEveryMs(context: Context): number {
  return Math.max(200, Math.min(10_000, (context.info.heartbeatTimeoutMs ?? 30_000) / 3));
}

export function createActivityScope(deps: ActivityDeps) {
  /**
   * Maps an activity error to the retry matrix: a cancelled activity reports as cancelled, the
   * import store's own errors get their types, everything else goes through toApplicationFailure.
   */
  function failureOf(error: unknown, context: Context = Context.current()): Error {
    if (context.cancellationSignal.aborted) {
      const reason: unknown = context.cancellationSignal.reason;
      return reason instanceof CancelledFailure ? reason : new CancelledFailure('activity cancelled');
    }
    if (error instanceof PartitionConflictError)
      return ApplicationFailure.retryable(error.message, FailureType.ImportPartitionConflict);
    if (error instanceof ImportNotFoundError)
      return ApplicationFailure.nonRetryable(error.message, FailureType.ImportNotFound);
    return toApplicationFailure(error, {
      attempt: context.info.attempt,
      firstScheduledMs: context.info.scheduledTimestampMs,
      nowMs: Date.now(),
      schedule: deps.settings.retrySchedule,
      totalBudgetMs: context.info.scheduleToCloseTimeoutMs,
    });
  }

  async function markNeedsAttention(source: string, reason: string): Promise<void> {
    try {
      await deps.sources.markNeedsAttention(source, reason);
      deps.logger.warn({ source, error: reason }, 'source needs attention');
    } catch (error) {
      // The activity's own failure is what the workflow must see; this one is only logged.
      deps.logger.error(
        { source, error: error instanceof Error ? error.message : String(error) },
        'could not mark the source as needing attention',
      );
    }
  }

  /**
   * Whether the source was changed since `read` (the row this activity's client was built from)
   * and not by a refusal: a `source update` gave it a new secret, token or connection, so AFAS
   * refusing the old one says nothing about the source any more. A row marked meanwhile (another
   * activity met the same refusal) or gone counts as unchanged.
   */
  async function changedSince(read: SourceRecord): Promise<boolean> {
    try {
      const now = await deps.sources.find(read.name);
      return (
        now !== undefined &&
        now.status !== 'needs_attention' &&
        now.updatedAt.getTime() !== read.updatedAt.getTime()
      );
    } catch {
      return false;
    }
  }

  /**
   * Runs an AFAS activity body. A credential no configured key opens, a token of the wrong shape
   * or a base URL the client refuses means the operator must fix the source: it is marked, and
   * no AFAS call is made. AFAS refusing the token (401/403) or the OAuth client (invalid_client,
   * …) marks it too, unless the source was changed since this activity read it: a secret rotated
   * in AFAS and then with `source update` leaves running activities with the old one, whose next
   * token request is refused. The source is re-read once, and then the activity is retried: the
   * retry opens the source as it is now. When its new credential is refused as well, the
   * re-read finds the source unchanged and marks it.
   */
  async function withAfas<T>(sourceName: string, work: (afas: AfasActivity) => Promise<T>): Promise<T> {
    const context = Context.current();
    let details: HeartbeatDetails | undefined;
    const heartbeat = (next?: HeartbeatDetails) => {
      if (next) details = next;
      context.heartbeat(details);
    };
    // A slow AFAS request or a long transaction must not look like a dead worker.
    const timer = setInterval(() => heartbeat(), heartbeatEveryMs(context));
    timer.unref();
    let session: AfasSession | undefined;
    let lease: AfasLease | undefined;
    let source: SourceRecord | undefined;
    try {
      source = await deps.sources.get(sourceName);
      try {
        lease = await deps.clients.open(source);
      } catch (error) {
        if (error instanceof TokenCryptoError || error instanceof AfasUsageError)
          await markNeedsAttention(sourceName, error.message);
        throw error;
      }
      session = new AfasSession(lease.api, deps.settings.inlineRetry, context.cancellationSignal, () =>
        heartbeat(),
      );
      return await work({ session, source, heartbeat, signal: context.cancellationSignal });
    } catch (error) {
      if (!context.cancellationSignal.aborted && classifyAfasError(error).class === 'auth') {
        const message = error instanceof Error ? error.message : 'AFAS refused the token';
        if (source !== undefined && (await changedSince(source))) {
          throw failureOf(
            ApplicationFailure.create({
              message: `${message} (the source was changed since this activity read it: retrying with its current settings)`,
              type: FailureType.SourceChanged,
              nonRetryable: false,
              details: [{ errorClass: 'auth', status: null, profitLogReference: null }],
            }),
            context,
          );
        }
        await markNeedsAttention(sourceName, message);
      }
      throw failureOf(error, context);
    } finally {
      clearInterval(timer);
      // The client stays open until here even when the source changed meanwhile (see CachedAfasClients).
      await lease?.release();
      if (session) deps.metrics?.recordAfasCalls(sourceName, session.calls, session.retries);
    }
  }

  /** Runs a database-only activity body: the same failure mapping, no AFAS client. */
  async function withDatabase<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw failureOf(error);
    }
  }

  /**
   * The generic sync path's context for one run, heartbeating through the activity, with the
   * source's mass-delete guard unless this run allows mass deletes.
   */
  function datasetContext(
    afas: AfasActivity,
    runId: string,
    options: { allowMassDelete?: boolean } = {},
  ): DatasetSyncContext {
    const guard = options.allowMassDelete ? null : massDeleteGuard(afas.source.massDeletePercent);
    return datasetSyncContext(deps, afas.session, afas.source.name, runId, afas.heartbeat, guard);
  }

  return { withAfas, withDatabase, failureOf, datasetContext };
}

export type ActivityScope = ReturnType<typeof createActivityScope>;
