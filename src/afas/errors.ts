// Typed errors of the AFAS client. None of them ever holds the token: messages are built from
// redacted text, `cause` is a plain summary (never a raw undici error object that could carry
// request headers), and `toJSON()` lists exactly the safe fields.

/** Which request failed: enough for a log line and the run log, nothing secret. */
export interface AfasRequestInfo {
  readonly method: string;
  /** Path below the base URL plus the query string (truncated); never contains credentials. */
  readonly path: string;
  readonly connector?: string;
  readonly skip?: number;
  readonly take?: number;
}

/** A plain, safe summary of an underlying low-level error. */
export interface AfasErrorCause {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
}

export interface AfasErrorOptions {
  readonly request?: AfasRequestInfo;
  readonly cause?: AfasErrorCause;
}

export abstract class AfasError extends Error {
  readonly request: AfasRequestInfo | undefined;

  protected constructor(message: string, options: AfasErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.request = options.request;
  }

  /** Safe JSON form (for structured logs); includes the message and the subclass's fields. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, request: this.request, ...this.details() };
  }

  protected details(): Record<string, unknown> {
    return {};
  }
}

/** Invalid options or arguments: a programming or configuration mistake; never sent to AFAS. */
export class AfasUsageError extends AfasError {
  constructor(message: string, options?: AfasErrorOptions) {
    super(message, options);
  }
}

/** The query string would exceed AFAS's 2,049-character limit and the filter cannot be split. */
export class AfasQueryTooLongError extends AfasError {
  readonly queryLength: number;
  readonly limit: number;

  constructor(message: string, queryLength: number, limit: number, options?: AfasErrorOptions) {
    super(message, options);
    this.queryLength = queryLength;
    this.limit = limit;
  }

  protected override details(): Record<string, unknown> {
    return { queryLength: this.queryLength, limit: this.limit };
  }
}

export interface AfasHttpErrorFields {
  readonly status: number;
  /** AFAS's message: body `externalMessage` (or another known message field), else the base64 `X-Profit-Error` header. */
  readonly afasMessage: string | null;
  readonly errorNumber: number | null;
  readonly profitLogReference: string | null;
  /** From the `Retry-After` header or the body's `retry_after` (seconds), in ms. */
  readonly retryAfterMs: number | null;
  /** Start of a body that is not AFAS's error JSON (e.g. a proxy's HTML page), redacted. */
  readonly bodyExcerpt: string | null;
  /** Length of the query string that was sent (for the 404-on-long-query diagnosis). */
  readonly queryLength: number;
}

/** AFAS (or a proxy in front of it) answered with a non-success status. */
export class AfasHttpError extends AfasError implements AfasHttpErrorFields {
  readonly status: number;
  readonly afasMessage: string | null;
  readonly errorNumber: number | null;
  readonly profitLogReference: string | null;
  readonly retryAfterMs: number | null;
  readonly bodyExcerpt: string | null;
  readonly queryLength: number;

  constructor(message: string, fields: AfasHttpErrorFields, options?: AfasErrorOptions) {
    super(message, options);
    this.status = fields.status;
    this.afasMessage = fields.afasMessage;
    this.errorNumber = fields.errorNumber;
    this.profitLogReference = fields.profitLogReference;
    this.retryAfterMs = fields.retryAfterMs;
    this.bodyExcerpt = fields.bodyExcerpt;
    this.queryLength = fields.queryLength;
  }

  protected override details(): Record<string, unknown> {
    return {
      status: this.status,
      afasMessage: this.afasMessage,
      errorNumber: this.errorNumber,
      profitLogReference: this.profitLogReference,
      retryAfterMs: this.retryAfterMs,
      bodyExcerpt: this.bodyExcerpt,
      queryLength: this.queryLength,
    };
  }
}

/** The error codes of RFC 6749 §5.2 that AFAS's token endpoint documents (reference §2.2). */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
] as const;
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

export interface AfasOAuthErrorFields {
  readonly status: number;
  /** The `error` code of the token endpoint's answer: one of OAUTH_ERROR_CODES, or another AFAS sent. */
  readonly oauthError: string;
  /** AFAS's `error_description`, redacted; null when it sent none. */
  readonly errorDescription: string | null;
}

/**
 * The token endpoint refused the OAuth client (wrong id or secret, client revoked, grant not
 * allowed): no retry changes that, an operator must. Never holds the secret or a token.
 */
export class AfasOAuthError extends AfasError implements AfasOAuthErrorFields {
  readonly status: number;
  readonly oauthError: string;
  readonly errorDescription: string | null;

  constructor(message: string, fields: AfasOAuthErrorFields, options?: AfasErrorOptions) {
    super(message, options);
    this.status = fields.status;
    this.oauthError = fields.oauthError;
    this.errorDescription = fields.errorDescription;
  }

  protected override details(): Record<string, unknown> {
    return { status: this.status, oauthError: this.oauthError, errorDescription: this.errorDescription };
  }
}

/** The connection failed (refused, reset, DNS, TLS, socket closed) before a full response arrived. */
export class AfasNetworkError extends AfasError {
  readonly code: string | null;

  constructor(message: string, code: string | null, options?: AfasErrorOptions) {
    super(message, options);
    this.code = code;
  }

  protected override details(): Record<string, unknown> {
    return { code: this.code };
  }
}

/** The per-request timeout of the client expired (AFAS may still be running the query). */
export class AfasTimeoutError extends AfasError {
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number, options?: AfasErrorOptions) {
    super(message, options);
    this.timeoutMs = timeoutMs;
  }

  protected override details(): Record<string, unknown> {
    return { timeoutMs: this.timeoutMs };
  }
}

/** The caller's AbortSignal fired. */
export class AfasAbortError extends AfasError {
  constructor(message: string, options?: AfasErrorOptions) {
    super(message, options);
  }
}

/** A success response that is not what AFAS sends: malformed JSON, wrong shape, oversized body. */
export class AfasBadResponseError extends AfasError {
  constructor(message: string, options?: AfasErrorOptions) {
    super(message, options);
  }
}

/** A value in a row does not match its metainfo data type (or a key field is missing). */
export class AfasDataError extends AfasError {
  readonly connector: string;
  readonly field: string;
  /** The row's key as `Field=value, …` (from the key fields), or `(unknown)`. */
  readonly rowKey: string;

  constructor(message: string, connector: string, field: string, rowKey: string, options?: AfasErrorOptions) {
    super(message, options);
    this.connector = connector;
    this.field = field;
    this.rowKey = rowKey;
  }

  protected override details(): Record<string, unknown> {
    return { connector: this.connector, field: this.field, rowKey: this.rowKey };
  }
}
