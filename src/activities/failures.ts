import { ApplicationFailure, type ApplicationFailureCategory } from '@temporalio/common';
import pg from 'pg';
import { classifyAfasError, type AfasErrorClass } from '../afas/classify.js';
import { AfasHttpError } from '../afas/errors.js';
import { DatasetSchemaError } from '../db/dataset-schema.js';
import { DuplicateKeyError } from '../db/dataset-writer.js';
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

/**
 * Maps any error of an activity to an ApplicationFailure implementing the retry matrix. The
 * message is the AFAS message (or ours), never a token; details carry the profitLogReference.
 */
export function toApplicationFailure(
  error: unknown,
  context: { attempt: number; firstScheduledMs: number; nowMs: number; schedule: RetrySchedule },
): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const benign: ApplicationFailureCategory = 'BENIGN';
  if (error instanceof RowDataError || error instanceof DuplicateKeyError) {
    return ApplicationFailure.create({
      message: error.message,
      type: FailureType.AfasData,
      nonRetryable: true,
      details: [details('data', null, null)],
    });
  }
  if (error instanceof DatasetSchemaError) {
    return ApplicationFailure.create({
      message: error.message,
      type: FailureType.DatasetSchema,
      nonRetryable: true,
      details: [details('schema', null, null)],
    });
  }
  if (error instanceof SourceNotFoundError) {
    return ApplicationFailure.create({
      message: error.message,
      type: FailureType.SourceNotFound,
      nonRetryable: true,
      details: [details('config', null, null)],
    });
  }
  if (error instanceof TokenCryptoError) {
    // The stored token can't be opened with the configured keys: an operator has to fix the key
    // configuration (or store the token again); retrying changes nothing.
    return ApplicationFailure.create({
      message: error.message,
      type: FailureType.SourceToken,
      nonRetryable: true,
      details: [details('config', null, null)],
    });
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
  const message = error instanceof Error ? error.message : String(error);
  const failureDetails = details(
    classification.class,
    http?.status ?? null,
    http?.profitLogReference ?? null,
  );
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
  // Unknown errors (e.g. PostgreSQL restarting) are retried by the workflow's policy.
  return ApplicationFailure.create({
    message,
    type,
    nonRetryable: classification.class !== 'unknown',
    details: [failureDetails],
  });
}

function details(
  errorClass: string,
  status: number | null,
  profitLogReference: string | null,
): AfasFailureDetails {
  return { errorClass, status, profitLogReference };
}
