import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { toApplicationFailure } from '../../src/activities/failures.js';
import { AfasUsageError } from '../../src/afas/errors.js';
import { TokenCryptoError } from '../../src/db/token-crypto.js';

const context = {
  attempt: 1,
  firstScheduledMs: 0,
  nowMs: 1_000,
  schedule: { lockedGiveUpMs: 3_600_000, lockedBaseDelayMs: 30_000 },
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
