// The ApplicationFailure types activities throw and workflows decide on: one list, imported by
// both sides (src/activities/failures.ts maps errors to them; workflows retry, skip or stop on
// them). Pure constants: safe in the workflow bundle.

export const FailureType = {
  /** A booking/entry layout locked by another AFAS user: retried with long backoff. */
  AfasLocked: 'AfasLocked',
  /** 503/502/504, resets, time-outs: retried (Retry-After honoured). */
  AfasTransient: 'AfasTransient',
  /** 401/403: the token is refused; the source needs attention. */
  AfasAuth: 'AfasAuth',
  /**
   * AFAS refused the credential an activity held, but the source was changed since the activity
   * read it (a `source update` with a new secret): retried, and the retry uses the source as it is now.
   */
  SourceChanged: 'SourceChanged',
  /** The environment or App connector is blocked (IP restriction, licence). */
  AfasBlocked: 'AfasBlocked',
  /** A functional 500 that fails the same way again. */
  AfasFunctional: 'AfasFunctional',
  /** A request we should never have sent (query too long, bad options). */
  AfasClientBug: 'AfasClientBug',
  /** Malformed JSON, an unexpected envelope. */
  AfasBadResponse: 'AfasBadResponse',
  /** A row AFAS sent that cannot be stored (wrong type, missing key, duplicate key). */
  AfasData: 'AfasData',
  AfasAborted: 'AfasAborted',
  /** A whole read would mark most of a scope deleted (see MassDeleteError): refused until allowed. */
  MassDeleteRefused: 'MassDeleteRefused',
  /** The connector's fields do not fit the table or the catalog. */
  DatasetSchema: 'DatasetSchema',
  SourceNotFound: 'SourceNotFound',
  /** The stored credential cannot be opened with the configured keys. */
  SourceToken: 'SourceToken',
  /** PostgreSQL refused the write for a reason retrying does not change. */
  DatabaseRejected: 'DatabaseRejected',
  /**
   * More than one entry in AFAS carries the marker of one entry of a batch (issue 19): which is
   * afas-sync's cannot be told, so the entry is neither recorded nor posted until an operator looked.
   */
  PostEntryDuplicated: 'PostEntryDuplicated',
  /** An entry of a batch the posting activities cannot act on (not registered, or already taken out of AFAS). */
  PostEntryInvalid: 'PostEntryInvalid',
  ImportNotFound: 'ImportNotFound',
  InvalidImportInput: 'InvalidImportInput',
  /** Two executions of one partition chunk raced; the loser retries from the committed cursor. */
  ImportPartitionConflict: 'ImportPartitionConflict',
  /** A write-back batch the saga was started for is not registered in post_batches. */
  PostBatchNotFound: 'PostBatchNotFound',
  Unexpected: 'Unexpected',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Failure types that retrying cannot fix: every workflow lists them as non-retryable. */
export const NON_RETRYABLE_FAILURES: readonly FailureType[] = [
  FailureType.AfasAuth,
  FailureType.AfasBlocked,
  FailureType.AfasFunctional,
  FailureType.AfasBadResponse,
  FailureType.AfasData,
  FailureType.AfasClientBug,
  FailureType.MassDeleteRefused,
  FailureType.DatasetSchema,
  FailureType.SourceNotFound,
  FailureType.SourceToken,
  FailureType.DatabaseRejected,
  FailureType.PostEntryDuplicated,
  FailureType.PostEntryInvalid,
  FailureType.ImportNotFound,
  FailureType.InvalidImportInput,
  FailureType.PostBatchNotFound,
];

/** Failures that stop a whole historical import rather than one partition: every partition would hit them. */
export const IMPORT_FATAL_FAILURES: readonly FailureType[] = [
  FailureType.AfasAuth,
  FailureType.AfasBlocked,
  FailureType.DatasetSchema,
  FailureType.SourceNotFound,
  FailureType.SourceToken,
  FailureType.ImportNotFound,
  FailureType.InvalidImportInput,
];
