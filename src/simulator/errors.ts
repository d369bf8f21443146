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

/** A bare status without body (401 for a bad token, 404 for an over-long query string, …). */
export class EmptyStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
    this.name = 'EmptyStatusError';
  }
}

/** The AFAS Online maintenance answer: 503 with `retry_after` and a `Retry-After` header. */
export class ServiceUnavailableError extends Error {
  constructor(readonly retryAfterSeconds: number) {
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
