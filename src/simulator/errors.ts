import { randomBytes } from 'node:crypto';

import type { LocalizedText } from './connectors/types.js';

/** errorNumber values seen on real AFAS responses (reference §5.2). */
export const ERROR_NUMBERS = {
  unexpected: -2147180999,
  general: -2147180996,
  valueDoesNotExist: -2147220469,
} as const;

/**
 * A Profit error answered as `{externalMessage, errorNumber, profitLogReference}` plus the
 * `X-Profit-Error` header. The message is chosen by the request's language when it is sent.
 */
export class ProfitError extends Error {
  constructor(
    readonly status: number,
    readonly text: LocalizedText,
    readonly errorNumber: number,
  ) {
    super(text.en);
    this.name = 'ProfitError';
  }
}

/**
 * A bare status without body (401 for a bad token, 404 for an over-long query string, …), with
 * optional headers (`WWW-Authenticate` on a refused Bearer token).
 */
export class EmptyStatusError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`HTTP ${status}`);
    this.name = 'EmptyStatusError';
  }
}

/**
 * The AFAS Online maintenance answer: 503 with `retry_after` and a `Retry-After` header, or
 * without both when `retryAfterSeconds` is null (a proxy that gives no hint).
 */
export class ServiceUnavailableError extends Error {
  constructor(readonly retryAfterSeconds: number | null) {
    super('Service temporarily unavailable');
    this.name = 'ServiceUnavailableError';
  }
}

/** A malformed request body on an UpdateConnector: `{"message":"Invalid json"}` (reference §5.2). */
export class InvalidJsonBodyError extends Error {
  constructor() {
    super('Invalid json');
    this.name = 'InvalidJsonBodyError';
  }
}

export type OAuthErrorCode =
  'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type';

/**
 * A refusal of the token endpoint (RFC 6749 §5.2, reference §2.2): `{error, error_description}`,
 * 400, or 401 with `WWW-Authenticate` for a client that authenticated with HTTP Basic.
 */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
  }
}

/** A control-API (`/__sim`) client error: 4xx with `{"error": message}`. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** 32 uppercase hex characters, like Profit's environment-log reference. */
export function newProfitLogReference(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}
