import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import type { AfasFailureDetails } from '../activities/types.js';
import { FailureType } from '../temporal/failure-types.js';

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

/** The `ApplicationFailure` type at the root of an activity failure, if there is one. */
export function failureTypeOf(error: unknown): string | undefined {
  let cause: unknown = error;
  while (cause instanceof Error && !(cause instanceof ApplicationFailure) && cause.cause !== undefined)
    cause = cause.cause;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

export function isAuthFailure(error: unknown): boolean {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure && cause.type === FailureType.AfasAuth;
}

export { isCancellation };
