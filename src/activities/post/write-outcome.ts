// What an UpdateConnector write's error says about AFAS's state: whether the write certainly did
// nothing (so sending it again is safe), was refused for good, or may have been executed.
import { classifyAfasError } from '../../afas/classify.js';
import { AfasHttpError, AfasNetworkError } from '../../afas/errors.js';
import type { AfasAnswer } from '../../db/post-entries.js';

export type WriteOutcome =
  /** 500 "layout locked by another user": AFAS did nothing; retried with the locked schedule. */
  | 'locked'
  /** 503/429 (Retry-After honoured), or no connection was made at all: nothing was executed. */
  | 'unavailable'
  /** AFAS answered with its refusal (a validation message, a 4xx): nothing was executed, and the same write fails again. */
  | 'refused'
  /** The request may have been executed: reset or time-out after sending, a gateway's 502/504. */
  | 'ambiguous'
  /** Not about this write (auth, cancellation, our own bug): the activity scope handles it. */
  | 'other';

/** Connection errors raised before a byte of the request can have reached AFAS. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function writeOutcome(error: unknown): WriteOutcome {
  const classification = classifyAfasError(error);
  if (classification.class === 'locked') return 'locked';
  if (error instanceof AfasHttpError) {
    if (error.status === 503 || error.status === 429) return 'unavailable';
    if (classification.class === 'auth') return 'other';
    // AFAS runs an UpdateConnector call as one transaction: its error answer means nothing was
    // booked. A gateway's 502/504 (or another 5xx) comes from in front of AFAS, which may have
    // booked it all the same.
    if (error.status === 500 || (error.status >= 400 && error.status < 500)) return 'refused';
    return 'ambiguous';
  }
  if (error instanceof AfasNetworkError)
    return error.code !== null && NOT_CONNECTED.has(error.code) ? 'unavailable' : 'ambiguous';
  if (classification.class === 'transient' || classification.class === 'bad-response') return 'ambiguous';
  return 'other';
}

/** AFAS's message and log reference of an error, for the entry and its step. */
export function answerOf(error: unknown): AfasAnswer & { httpStatus: number | null } {
  if (error instanceof AfasHttpError)
    return {
      message: error.afasMessage ?? error.message,
      profitLogReference: error.profitLogReference,
      httpStatus: error.status,
    };
  return {
    message: error instanceof Error ? error.message : String(error),
    profitLogReference: null,
    httpStatus: null,
  };
}
