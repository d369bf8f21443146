import { ApplicationFailure, type ApplicationFailureCategory } from '@temporalio/common';
import pg from 'pg';
import { classifyAfasError, type AfasErrorClass } from '../afas/classify.js';
import { AfasHttpError, AfasOAuthError } from '../afas/errors.js';
import { DatasetSchemaError } from '../db/dataset-schema.js';
import { DuplicateKeyError } from '../db/write-errors.js';
import { MassDeleteError } from '../db/mass-delete.js';
import { RowDataError } from '../codec/index.js';
import { SourceNotFoundError } from '../db/sources.js';
import { TokenCryptoError } from '../db/token-crypto.js';
import { FailureType } from '../temporal/failure-types.js';
import type { AfasFailureDetails } from './types.js';

/** Temporal failure types by AFAS error class (the workflow lists the non-retryable ones). */
const TYPE_BY_CLASS: Record<AfasErrorClass, FailureType> = {
  locked: FailureType.AfasLocked,
  transient: FailureType.AfasTransient,
  auth: FailureType.AfasAuth,
  blocked: FailureType.AfasBlocked,
  functional: FailureType.AfasFunctional,
  'client-bug': FailureType.AfasClientBug,
  'bad-response': FailureType.AfasBadResponse,
  data: FailureType.AfasData,
  aborted: FailureType.AfasAborted,
  unknown: FailureType.Unexpected,
};

/** SQLSTATE classes worth retrying: connection, resources, shutdown, serialization/deadlock, lock timeout. */
const TRANSIENT_SQLSTATE = /^(08|53|57|58|40)|^55P03$/;

export interface RetrySchedule {
  /** Give up on locked-layout errors this long after the activity was first scheduled. */
  lockedGiveUpMs: number;
  /** Base of the locked-layout backoff (doubles per attempt, capped at 5 minutes). */
  lockedBaseDelayMs: number;
}

export interface FailureContext {
  attempt: number;
  firstScheduledMs: number;
  nowMs: number;
  schedule: RetrySchedule;
  /**
   * The activity's total time across all attempts (its schedule-to-close timeout), or 0 when the
   * workflow set none: a retry that would start past it is not asked for.
   */
  totalBudgetMs: number;
}

/**
 * Maps any error of an activity to an ApplicationFailure implementing the retry matrix. The
 * message is the AFAS message (or ours), never a token; details carry the profitLogReference.
 * Nothing retries past the activity's total-time budget: the last attempt inside it fails
 * non-retryable with its own error, so the dataset fails with what went wrong.
 */
export function toApplicationFailure(error: unknown, context: FailureContext): ApplicationFailure {
  const failure = retryMatrix(error, context);
  if (failure.nonRetryable || context.totalBudgetMs <= 0) return failure;
  const elapsedMs = context.nowMs - context.firstScheduledMs;
  // Room for the next attempt to run: a tenth of the budget, at most five minutes.
  const marginMs = Math.min(300_000, context.totalBudgetMs / 10);
  // Every delay this module asks for is in milliseconds.
  const nextDelayMs = typeof failure.nextRetryDelay === 'number' ? failure.nextRetryDelay : 0;
  if (elapsedMs + nextDelayMs + marginMs < context.totalBudgetMs) return failure;
  return ApplicationFailure.create({
    message: `${failure.message} (still failing after ${minutes(elapsedMs)} of retries; giving up)`,
    type: failure.type ?? FailureType.Unexpected,
    nonRetryable: true,
    details: failure.details ? [...failure.details] : [],
  });
}

/**
 * Errors that no retry changes, with their failure type and error class. A TokenCryptoError is a
 * stored token the configured keys can't open: an operator fixes the keys or stores it again.
 */
const FINAL_ERRORS: readonly [new (...args: never[]) => Error, FailureType, string][] = [
  [RowDataError, FailureType.AfasData, 'data'],
  [DuplicateKeyError, FailureType.AfasData, 'data'],
  [MassDeleteError, FailureType.MassDeleteRefused, 'mass-delete'],
  [DatasetSchemaError, FailureType.DatasetSchema, 'schema'],
  [SourceNotFoundError, FailureType.SourceNotFound, 'config'],
  [TokenCryptoError, FailureType.SourceToken, 'config'],
];

function retryMatrix(error: unknown, context: FailureContext): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const benign: ApplicationFailureCategory = 'BENIGN';
  // Errors of ours that fail the same way on every retry: the dataset fails with their message.
  for (const [errorType, type, errorClass] of FINAL_ERRORS) {
    if (error instanceof errorType) {
      return ApplicationFailure.create({
        message: error.message,
        type,
        nonRetryable: true,
        details: [details(errorClass, null, null)],
      });
    }
  }
  // Only a server-side error carries a SQLSTATE; socket errors such as EPIPE (five capitals too)
  // while PostgreSQL restarts are connection trouble and must stay retryable.
  const sqlState = error instanceof pg.DatabaseError ? error.code : undefined;
  if (
    error instanceof pg.DatabaseError &&
    typeof sqlState === 'string' &&
    /^[0-9A-Z]{5}$/.test(sqlState) &&
    !TRANSIENT_SQLSTATE.test(sqlState)
  ) {
    // Constraint, data and schema errors fail the same way on every retry.
    return ApplicationFailure.create({
      message: `PostgreSQL rejected the write: ${error.message} (SQLSTATE ${sqlState})`,
      type: FailureType.DatabaseRejected,
      nonRetryable: true,
      details: [details('database', null, null)],
    });
  }
  const classification = classifyAfasError(error);
  const http = error instanceof AfasHttpError ? error : undefined;
  // The token endpoint's refusal has a status too (401 invalid_client, 400 invalid_grant).
  const status = http?.status ?? (error instanceof AfasOAuthError ? error.status : null);
  const message = error instanceof Error ? error.message : String(error);
  const failureDetails = details(classification.class, status, http?.profitLogReference ?? null);
  const type = TYPE_BY_CLASS[classification.class];
  if (classification.class === 'locked') {
    const elapsed = context.nowMs - context.firstScheduledMs;
    if (elapsed > context.schedule.lockedGiveUpMs) {
      return ApplicationFailure.create({
        message: `${message} (still locked after ${Math.round(elapsed / 60_000)} minutes; giving up)`,
        type,
        nonRetryable: true,
        details: [failureDetails],
      });
    }
    const delay = Math.min(
      context.schedule.lockedBaseDelayMs * 2 ** Math.max(0, context.attempt - 1),
      300_000,
    );
    return ApplicationFailure.create({
      message,
      type,
      nonRetryable: false,
      nextRetryDelay: delay,
      details: [failureDetails],
      category: benign,
    });
  }
  if (classification.class === 'transient') {
    return ApplicationFailure.create({
      message,
      type,
      nonRetryable: false,
      ...(classification.retryAfterMs ? { nextRetryDelay: classification.retryAfterMs } : {}),
      details: [failureDetails],
      category: benign,
    });
  }
  // Unknown errors (e.g. PostgreSQL restarting) are retried by the workflow's policy, within the
  // budget; a TypeError or RangeError is code meeting a value it cannot handle, which no retry changes.
  return ApplicationFailure.create({
    message,
    type,
    nonRetryable: classification.class !== 'unknown' || isProgrammingError(error),
    details: [failureDetails],
  });
}

function isProgrammingError(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError;
}

function minutes(elapsedMs: number): string {
  const total = Math.round(elapsedMs / 60_000);
  return total < 1 ? `${Math.round(elapsedMs / 1000)} s` : `${total} min`;
}

function details(
  errorClass: string,
  status: number | null,
  profitLogReference: string | null,
): AfasFailureDetails {
  return { errorClass, status, profitLogReference };
}
