import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import type { AfasFailureDetails } from '../activities/types.js';

/**
 * Activity failure types that retrying cannot fix (see src/activities/failures.ts for how AFAS
 * and database errors map to them). Workflows list them as non-retryable.
 */
export const NON_RETRYABLE_FAILURES: readonly string[] = [
  'AfasAuth',
  'AfasBlocked',
  'AfasFunctional',
  'AfasBadResponse',
  'AfasData',
  'AfasClientBug',
  'DatasetSchema',
  'SourceNotFound',
  'DatabaseRejected',
];

export interface FailureSummary {
  message: string;
  errorClass: string;
  profitLogReference: string | null;
}

/** The message, class and AFAS log reference of a failed activity, for the run log and progress. */
export function summarizeFailure(error: unknown): FailureSummary {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) {
    const details = (cause.details?.[0] ?? {}) as Partial<AfasFailureDetails>;
    return {
      message: cause.message,
      errorClass: details.errorClass ?? cause.type ?? 'unknown',
      profitLogReference: details.profitLogReference ?? null,
    };
  }
  if (error instanceof Error)
    return { message: error.message, errorClass: error.name, profitLogReference: null };
  return { message: String(error), errorClass: 'unknown', profitLogReference: null };
}

export function isAuthFailure(error: unknown): boolean {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure && cause.type === 'AfasAuth';
}

export { isCancellation };
