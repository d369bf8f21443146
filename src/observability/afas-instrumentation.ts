// Wraps a worker's AFAS client so every metainfo call, GetConnector page and UpdateConnector write
// (the write-back saga's inserts and deletes) is measured: status
// class, latency, and the class of retryable errors. The client itself stays metrics-free.
import type { AfasApi } from '../activities/afas-session.js';
import {
  AfasAbortError,
  AfasBadResponseError,
  AfasHttpError,
  AfasNetworkError,
  AfasTimeoutError,
  classifyAfasError,
  type AfasPage,
  type PagesOptions,
} from '../afas/index.js';

export type AfasRequestKind = 'metainfo' | 'describe' | 'page' | 'insert' | 'delete';

export interface AfasRequestOutcome {
  /** `2xx`, `4xx`, `5xx`, `network`, `timeout`, `aborted`, `bad_response` or `error`. */
  statusClass: string;
  seconds: number;
  /** The retry-matrix class when the error is one that gets retried (locked, transient). */
  retryClass: string | null;
}

export interface AfasRequestObserver {
  observeAfasRequest(source: string, kind: AfasRequestKind, outcome: AfasRequestOutcome): void;
}

export function statusClassOf(error: unknown): string {
  if (error === undefined) return '2xx';
  if (error instanceof AfasHttpError) return `${Math.floor(error.status / 100)}xx`;
  if (error instanceof AfasTimeoutError) return 'timeout';
  if (error instanceof AfasNetworkError) return 'network';
  if (error instanceof AfasAbortError) return 'aborted';
  if (error instanceof AfasBadResponseError) return 'bad_response';
  return 'error';
}

function outcomeOf(started: number, error?: unknown): AfasRequestOutcome {
  const classification = error === undefined ? undefined : classifyAfasError(error);
  return {
    statusClass: statusClassOf(error),
    seconds: (performance.now() - started) / 1000,
    retryClass: classification?.retryable ? classification.class : null,
  };
}

async function measured<T>(
  observer: AfasRequestObserver,
  source: string,
  kind: AfasRequestKind,
  call: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    const result = await call();
    observer.observeAfasRequest(source, kind, outcomeOf(started));
    return result;
  } catch (error) {
    observer.observeAfasRequest(source, kind, outcomeOf(started, error));
    throw error;
  }
}

/**
 * The client caches connector descriptions (a failed one is asked again), so only the first
 * successful describe of a connector per client is a request; later ones are not counted.
 */
const described = new WeakMap<AfasApi, Set<string>>();

export function instrumentAfasApi(api: AfasApi, source: string, observer: AfasRequestObserver): AfasApi {
  let known = described.get(api);
  if (!known) {
    known = new Set();
    described.set(api, known);
  }
  const cached = known;
  return {
    metainfo: (options) => measured(observer, source, 'metainfo', () => api.metainfo(options)),
    async describeGetConnector(connectorId, options) {
      if (cached.has(connectorId)) return api.describeGetConnector(connectorId, options);
      const result = await measured(observer, source, 'describe', () =>
        api.describeGetConnector(connectorId, options),
      );
      cached.add(connectorId);
      return result;
    },
    pages: (connectorId: string, options: PagesOptions) =>
      measuredPages(api, connectorId, options, source, observer),
    insert: (connectorId, envelope, options) =>
      measured(observer, source, 'insert', () => api.insert(connectorId, envelope, options)),
    delete: (connectorId, keyPath, options) =>
      measured(observer, source, 'delete', () => api.delete(connectorId, keyPath, options)),
  };
}

async function* measuredPages(
  api: AfasApi,
  connectorId: string,
  options: PagesOptions,
  source: string,
  observer: AfasRequestObserver,
): AsyncGenerator<AfasPage, void, undefined> {
  const iterator = api.pages(connectorId, options);
  try {
    for (;;) {
      const started = performance.now();
      let next: IteratorResult<AfasPage, void>;
      try {
        next = await iterator.next();
      } catch (error) {
        observer.observeAfasRequest(source, 'page', outcomeOf(started, error));
        throw error;
      }
      if (next.done) return;
      observer.observeAfasRequest(source, 'page', outcomeOf(started));
      yield next.value;
    }
  } finally {
    await iterator.return(undefined);
  }
}
