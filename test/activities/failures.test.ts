import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { toApplicationFailure } from '../../src/activities/failures.js';
import { AfasHttpError, AfasOAuthError, AfasUsageError } from '../../src/afas/errors.js';
import { TokenCryptoError } from '../../src/db/token-crypto.js';

const context = {
  attempt: 1,
  firstScheduledMs: 0,
  nowMs: 1_000,
  schedule: { lockedGiveUpMs: 3_600_000, lockedBaseDelayMs: 30_000 },
  totalBudgetMs: 0,
};

function socketError(code: string): Error {
  return Object.assign(new Error(`write ${code}`), { code, errno: -32, syscall: 'write' });
}

function sqlError(code: string, message: string): pg.DatabaseError {
  const error = new pg.DatabaseError(message, message.length, 'error');
  error.code = code;
  return error;
}

describe('toApplicationFailure: PostgreSQL errors', () => {
  it('a socket error whose code looks like a SQLSTATE (EPIPE while PostgreSQL restarts) stays retryable', () => {
    const failure = toApplicationFailure(socketError('EPIPE'), context);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).not.toBe('DatabaseRejected');
  });

  it('connection refused, admin shutdown and deadlocks are retried', () => {
    expect(toApplicationFailure(socketError('ECONNREFUSED'), context).nonRetryable).toBe(false);
    expect(
      toApplicationFailure(sqlError('57P01', 'terminating connection due to administrator command'), context)
        .nonRetryable,
    ).toBe(false);
    expect(toApplicationFailure(sqlError('40P01', 'deadlock detected'), context).nonRetryable).toBe(false);
  });

  it('a constraint or data error fails fast with the SQLSTATE', () => {
    const failure = toApplicationFailure(sqlError('22003', 'value out of range for type bigint'), context);
    expect(failure).toMatchObject({ nonRetryable: true, type: 'DatabaseRejected' });
    expect(failure.message).toBe(
      'PostgreSQL rejected the write: value out of range for type bigint (SQLSTATE 22003)',
    );
  });
});

describe('toApplicationFailure: source configuration', () => {
  it('a token no configured key opens fails fast, naming the key id only', () => {
    const failure = toApplicationFailure(
      new TokenCryptoError(
        'stored token was sealed with key 1a2b3c4d, which is neither AFAS_SYNC_SECRET_KEY nor in AFAS_SYNC_PREVIOUS_SECRET_KEYS',
      ),
      context,
    );
    expect(failure).toMatchObject({ nonRetryable: true, type: 'SourceToken' });
  });

  it('a token of the wrong shape fails fast as a client-side problem', () => {
    const failure = toApplicationFailure(
      new AfasUsageError('AFAS token has an invalid shape: expected …'),
      context,
    );
    expect(failure).toMatchObject({ nonRetryable: true, type: 'AfasClientBug' });
  });
});

describe('toApplicationFailure: the total-time budget', () => {
  const hours = (n: number) => n * 3_600_000;
  const budget = { ...context, totalBudgetMs: hours(3) };

  it('retries inside the budget, and fails with the last error once the next attempt would not fit', () => {
    const reset = socketError('ECONNRESET');
    expect(toApplicationFailure(reset, { ...budget, nowMs: hours(1) }).nonRetryable).toBe(false);
    const last = toApplicationFailure(reset, { ...budget, nowMs: hours(3) - 60_000, attempt: 40 });
    expect(last.nonRetryable).toBe(true);
    expect(last.message).toBe('write ECONNRESET (still failing after 179 min of retries; giving up)');
  });

  it('a Retry-After that would end past the budget gives up now, keeping the failure type', () => {
    const unavailable = new AfasHttpError('AFAS answered 503', {
      status: 503,
      afasMessage: 'maintenance',
      errorNumber: null,
      bodyExcerpt: null,
      profitLogReference: 'ref-1',
      retryAfterMs: 900_000,
      queryLength: 10,
    });
    expect(toApplicationFailure(unavailable, { ...budget, nowMs: hours(2) }).nonRetryable).toBe(false);
    const late = toApplicationFailure(unavailable, { ...budget, nowMs: hours(2.8) });
    expect(late).toMatchObject({ nonRetryable: true, type: 'AfasTransient' });
    expect(late.details?.[0]).toMatchObject({ profitLogReference: 'ref-1', status: 503 });
  });

  it('without a budget (the workflow set none) the matrix alone decides', () => {
    expect(
      toApplicationFailure(socketError('ECONNRESET'), { ...context, nowMs: hours(100) }).nonRetryable,
    ).toBe(false);
  });

  it('a TypeError or RangeError (a value the code cannot handle) is not retried', () => {
    expect(
      toApplicationFailure(new TypeError('Do not know how to serialize a BigInt'), context),
    ).toMatchObject({
      nonRetryable: true,
      type: 'Unexpected',
    });
    expect(toApplicationFailure(new RangeError('Invalid time value'), context).nonRetryable).toBe(true);
  });
});

describe('toApplicationFailure: the OAuth token endpoint', () => {
  it('a refused client is a final AfasAuth failure with its status and AFAS description', () => {
    const refused = new AfasOAuthError(
      'AFAS refused OAuth client "app" at POST /oauth/token (HTTP 400 invalid_grant): Grant expired',
      { status: 400, oauthError: 'invalid_grant', errorDescription: 'Grant expired' },
    );
    const failure = toApplicationFailure(refused, { ...context, totalBudgetMs: 3_600_000 });
    expect(failure).toMatchObject({ type: 'AfasAuth', nonRetryable: true, message: refused.message });
    expect(failure.details).toEqual([{ errorClass: 'auth', status: 400, profitLogReference: null }]);
  });
});
