// The retry matrix (DESIGN.md "Errors"), in one place: every error the client throws maps to one class.

import {
  AfasAbortError,
  AfasBadResponseError,
  AfasDataError,
  AfasHttpError,
  AfasNetworkError,
  AfasOAuthError,
  AfasQueryTooLongError,
  AfasTimeoutError,
  AfasUsageError,
} from './errors.js';
import { MAX_QUERY_LENGTH } from './urls.js';

export type AfasErrorClass =
  /** 500: a booking layout/record is locked by another user — retry with a long backoff. */
  | 'locked'
  /** 502/503/504, connection reset/refused, client timeout — retry (honour retryAfterMs). */
  | 'transient'
  /**
   * 401/403: bad token, connector not in the App connector, IP restriction; or the OAuth token
   * endpoint refusing the client (invalid_client, invalid_grant, …) — never retry.
   */
  | 'auth'
  /** 500: the GetConnector definition is blocked under fair use — needs an administrator. */
  | 'blocked'
  /** Other 500s and 4xx: will fail the same way again (maybe `shrinkable`). */
  | 'functional'
  /** Our own mistake: overlong query (or its 404), invalid arguments. */
  | 'client-bug'
  /** Malformed JSON or an unexpected response shape. */
  | 'bad-response'
  /** A value does not match its metainfo data type. */
  | 'data'
  /** The caller aborted. */
  | 'aborted'
  /** Not an AFAS client error. */
  | 'unknown';

export interface AfasErrorClassification {
  readonly class: AfasErrorClass;
  readonly retryable: boolean;
  /** Suggested backoff: 'long' = minutes (business lock), 'normal' = the caller's usual schedule. */
  readonly backoff: 'none' | 'normal' | 'long';
  /** Delay AFAS asked for (Retry-After / retry_after), when it did, at most MAX_RETRY_AFTER_MS. */
  readonly retryAfterMs: number | null;
  /** The message says out of memory / string space / maximum duration: a smaller page or partition may pass. */
  readonly shrinkable: boolean;
  /** Short machine-friendly reason, e.g. "http-503", "network-ECONNRESET". */
  readonly reason: string;
}

// NL "… is geblokkeerd door gebruiker X" / "… geblokkeerd door een andere gebruiker", EN "locked/blocked by another user".
const LOCKED =
  /geblokkeerd\s+door\s+(?:de\s+|een\s+(?:andere\s+)?)?gebruiker|(?:locked|blocked)\s+by\s+(?:an(?:other)?\s+|the\s+)?user/i;
// "Deze GetConnector (definitie) is geblokkeerd" / "This GetConnector (definition) is blocked".
const CONNECTOR_BLOCKED = /GetConnector\s*(?:\((?:definitie|definition)\)\s*)?is\s+(?:geblokkeerd|blocked)/i;
/** A 404 with a query at or near AFAS's 2,049-character limit (its exact counting is undocumented). */
const LONG_QUERY_404 = MAX_QUERY_LENGTH - 100;
/**
 * The longest wait one Retry-After earns. AFAS announces maintenance with `retry_after` up to
 * 7,200 s; waiting in steps of at most this keeps a typo such as a year from parking a source,
 * and the activity's total-time bound still outlasts any real maintenance window.
 */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

const SHRINKABLE =
  /out\s+of\s+(?:memory|string\s+space)|maximum\s+duration|maximale\s+tijdsduur|command\s+timeout\s+expired|timeout\s+expired/i;

function result(
  cls: AfasErrorClass,
  retryable: boolean,
  reason: string,
  extra: Partial<Pick<AfasErrorClassification, 'backoff' | 'retryAfterMs' | 'shrinkable'>> = {},
): AfasErrorClassification {
  return {
    class: cls,
    retryable,
    backoff: extra.backoff ?? (retryable ? 'normal' : 'none'),
    retryAfterMs: extra.retryAfterMs == null ? null : Math.min(extra.retryAfterMs, MAX_RETRY_AFTER_MS),
    shrinkable: extra.shrinkable ?? false,
    reason,
  };
}

function classifyHttp(err: AfasHttpError): AfasErrorClassification {
  const status = err.status;
  const message = err.afasMessage ?? err.bodyExcerpt ?? '';
  const reason = `http-${status}`;
  if (status === 401 || status === 403) return result('auth', false, reason);
  if (status === 500) {
    if (CONNECTOR_BLOCKED.test(message)) return result('blocked', false, `${reason}-connector-blocked`);
    if (LOCKED.test(message)) {
      return result('locked', true, `${reason}-locked`, { backoff: 'long', retryAfterMs: err.retryAfterMs });
    }
    return result('functional', false, reason, { shrinkable: SHRINKABLE.test(message) });
  }
  if (status === 502 || status === 503 || status === 504 || status === 429 || status === 408) {
    return result('transient', true, reason, { retryAfterMs: err.retryAfterMs });
  }
  if (status === 404 && err.queryLength >= LONG_QUERY_404)
    return result('client-bug', false, `${reason}-query-too-long`);
  if (status >= 500) return result('transient', true, reason, { retryAfterMs: err.retryAfterMs });
  return result('functional', false, reason);
}

/** Classifies any error thrown by the AFAS client (and anything else, as 'unknown'). */
export function classifyAfasError(err: unknown): AfasErrorClassification {
  if (err instanceof AfasHttpError) return classifyHttp(err);
  // Only the refusals parsed as OAuth errors: the token endpoint's 5xx, 429 and resets arrive as
  // AfasHttpError / AfasNetworkError and are retried like any AFAS call.
  if (err instanceof AfasOAuthError) return result('auth', false, `oauth-${err.oauthError}`);
  if (err instanceof AfasNetworkError) return result('transient', true, `network-${err.code ?? 'error'}`);
  if (err instanceof AfasTimeoutError) return result('transient', true, 'client-timeout');
  if (err instanceof AfasAbortError) return result('aborted', false, 'aborted');
  if (err instanceof AfasBadResponseError) return result('bad-response', false, 'bad-response');
  if (err instanceof AfasDataError) return result('data', false, 'data');
  if (err instanceof AfasQueryTooLongError) return result('client-bug', false, 'query-too-long');
  if (err instanceof AfasUsageError) return result('client-bug', false, 'usage');
  return result('unknown', false, 'unknown');
}
