import { setTimeout as sleep } from 'node:timers/promises';
import { classifyAfasError } from '../afas/classify.js';
import type { AfasClient, AfasPage, AfasPageCursor, PagesOptions } from '../afas/index.js';
import type { AfasUpdateResult, DeleteKeySegment, UpdateEnvelope } from '../afas/update.js';

/**
 * What the activities need from the AFAS client (kept narrow so the seam stays obvious): reads,
 * and the write-back saga's inserts and deletes (FiEntries).
 */
export type AfasApi = Pick<AfasClient, 'metainfo' | 'describeGetConnector' | 'pages' | 'insert' | 'delete'>;

export interface InlineRetryPolicy {
  /** Tries per call before the error goes to Temporal's retry policy. */
  attempts: number;
  /** First delay between tries; doubles each time. */
  baseDelayMs: number;
  /** A Retry-After longer than this is left to Temporal (the activity fails with nextRetryDelay). */
  maxInlineWaitMs: number;
}

/**
 * One activity's use of AFAS: counts calls and retries, retries transient and locked errors a
 * few times in place (keeping the work already done), and resumes page iteration at the page
 * that failed.
 */
export class AfasSession {
  calls = 0;
  retries = 0;

  constructor(
    private readonly api: AfasApi,
    private readonly policy: InlineRetryPolicy,
    private readonly signal: AbortSignal,
    private readonly onWait: () => void = () => undefined,
  ) {}

  /**
   * Waits before trying a call again, when the error is one worth retrying in place and the try
   * count and wait allow it; false: leave the error to Temporal. A write's caller decides first
   * whether its outcome is known: only an error that proves AFAS did nothing may be retried
   * (see once()).
   */
  async waitToRetry(error: unknown, attempt: number): Promise<boolean> {
    return this.pause(error, attempt);
  }

  private async pause(error: unknown, attempt: number): Promise<boolean> {
    const classification = classifyAfasError(error);
    if (!classification.retryable || attempt >= this.policy.attempts) return false;
    const backoff = this.policy.baseDelayMs * 2 ** (attempt - 1);
    const wait = Math.max(backoff, classification.retryAfterMs ?? 0);
    if (wait > this.policy.maxInlineWaitMs) return false;
    this.retries += 1;
    // Heartbeat while waiting so a long Retry-After does not look like a dead worker.
    for (let waited = 0; waited < wait; waited += 1_000) {
      this.onWait();
      await sleep(Math.min(1_000, wait - waited), undefined, { signal: this.signal });
    }
    return true;
  }

  async call<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.calls += 1;
      try {
        return await work();
      } catch (error) {
        if (!(await this.pause(error, attempt))) throw error;
      }
    }
  }

  /**
   * One POST (insert), counted, never retried here: a reset or time-out after the request was
   * sent leaves it unknown whether AFAS executed it, and call()'s inline retry of such errors
   * would book an entry twice. The caller retries with waitToRetry() only what AFAS refused
   * without executing (a locked layout, 503), and looks the entry up after anything else.
   */
  insertOnce(connectorId: string, envelope: UpdateEnvelope): Promise<AfasUpdateResult> {
    this.calls += 1;
    return this.api.insert(connectorId, envelope, { signal: this.signal });
  }

  /** One DELETE by key path, counted, never retried here (the caller decides, as for insertOnce). */
  deleteOnce(connectorId: string, keyPath: readonly DeleteKeySegment[]): Promise<AfasUpdateResult> {
    this.calls += 1;
    return this.api.delete(connectorId, keyPath, { signal: this.signal });
  }

  metainfo() {
    return this.call(() => this.api.metainfo({ signal: this.signal }));
  }

  /**
   * Connector metainfo. Not counted as an AFAS call: the client caches descriptions, so most of
   * these never reach AFAS (the request metrics count the real ones).
   */
  async describe(connectorId: string) {
    const before = this.calls;
    try {
      return await this.call(() => this.api.describeGetConnector(connectorId, { signal: this.signal }));
    } finally {
      this.calls = before;
    }
  }

  /**
   * Pages of a GetConnector; a failed page is retried from its own cursor, not from the start.
   * `columns` spares the client a metainfo call per iteration.
   */
  async *pages(
    connectorId: string,
    options: Pick<PagesOptions, 'orderBy' | 'filter' | 'columns' | 'skip'>,
  ): AsyncGenerator<AfasPage> {
    let cursor: AfasPageCursor | null = options.skip ? { part: 0, skip: options.skip } : null;
    let attempt = 1;
    for (;;) {
      const resume: { part?: number; skip?: number } =
        cursor && 'skip' in cursor ? { part: cursor.part, skip: cursor.skip } : {};
      const pages = this.api.pages(connectorId, { ...options, ...resume, signal: this.signal });
      const iterator: AsyncIterator<AfasPage> = pages[Symbol.asyncIterator]();
      try {
        for (;;) {
          const next: IteratorResult<AfasPage> = await iterator.next();
          if (next.done) return;
          this.calls += 1;
          attempt = 1;
          cursor = next.value.next;
          yield next.value;
          if (cursor === null) return;
        }
      } catch (error) {
        this.calls += 1; // the request that failed
        if (!(await this.pause(error, attempt))) throw error;
        attempt += 1;
      } finally {
        await iterator.return?.();
      }
    }
  }
}
