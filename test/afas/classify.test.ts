import { describe, expect, it } from 'vitest';
import { classifyAfasError, MAX_RETRY_AFTER_MS } from '../../src/afas/classify.js';
import {
  AfasAbortError,
  AfasBadResponseError,
  AfasDataError,
  AfasHttpError,
  AfasNetworkError,
  AfasQueryTooLongError,
  AfasTimeoutError,
  AfasUsageError,
} from '../../src/afas/errors.js';

function http(
  status: number,
  afasMessage: string | null,
  extra: Partial<{ retryAfterMs: number; queryLength: number }> = {},
) {
  return new AfasHttpError(`HTTP ${status}`, {
    status,
    afasMessage,
    errorNumber: null,
    profitLogReference: null,
    retryAfterMs: extra.retryAfterMs ?? null,
    bodyExcerpt: null,
    queryLength: extra.queryLength ?? 100,
  });
}

describe('classifyAfasError (the retry matrix)', () => {
  it('500 locked/blocked by another user → locked, retryable, long backoff', () => {
    for (const message of [
      'Deze regel is geblokkeerd door gebruiker 12345.jansen.',
      'De boekingslay-out is geblokkeerd door een andere gebruiker',
      'The booking layout is locked by another user.',
      'General message: record blocked by another user',
    ]) {
      const c = classifyAfasError(http(500, message));
      expect(c, message).toMatchObject({ class: 'locked', retryable: true, backoff: 'long' });
    }
  });

  it('503/502/504/429 → transient with the Retry-After delay', () => {
    expect(classifyAfasError(http(503, 'maintenance', { retryAfterMs: 120_000 }))).toMatchObject({
      class: 'transient',
      retryable: true,
      retryAfterMs: 120_000,
    });
    for (const status of [502, 504, 429])
      expect(classifyAfasError(http(status, null)).class).toBe('transient');
  });

  it('clamps Retry-After to 15 minutes per wait (a year-long Retry-After must not park a source)', () => {
    for (const retryAfterMs of [7_200_000, 31_536_000_000]) {
      expect(classifyAfasError(http(503, 'maintenance', { retryAfterMs })).retryAfterMs).toBe(
        MAX_RETRY_AFTER_MS,
      );
      expect(classifyAfasError(http(500, 'locked by another user', { retryAfterMs })).retryAfterMs).toBe(
        MAX_RETRY_AFTER_MS,
      );
    }
    expect(MAX_RETRY_AFTER_MS).toBe(15 * 60_000);
  });

  it('network errors and client timeouts → transient', () => {
    expect(classifyAfasError(new AfasNetworkError('reset', 'ECONNRESET'))).toMatchObject({
      class: 'transient',
      retryable: true,
      reason: 'network-ECONNRESET',
    });
    expect(classifyAfasError(new AfasTimeoutError('slow', 1000)).class).toBe('transient');
  });

  it('401/403 → auth, never retried', () => {
    for (const status of [401, 403]) {
      expect(classifyAfasError(http(status, null))).toMatchObject({ class: 'auth', retryable: false });
    }
  });

  it('500 blocked GetConnector definition → blocked (not locked)', () => {
    for (const message of [
      'Deze GetConnector (definitie) is geblokkeerd',
      'This GetConnector (definition) is blocked',
    ]) {
      expect(classifyAfasError(http(500, message))).toMatchObject({ class: 'blocked', retryable: false });
    }
  });

  it('other 500 → functional; memory/string space/maximum duration → shrinkable', () => {
    expect(classifyAfasError(http(500, "Connector field 'X' not found"))).toMatchObject({
      class: 'functional',
      retryable: false,
      shrinkable: false,
    });
    expect(classifyAfasError(http(500, null)).class).toBe('functional');
    for (const message of [
      'Out of memory',
      'Out of String space',
      'The maximum duration for performing the assignment has been exceeded.',
      'De maximale tijdsduur voor het uitvoeren van de opdracht is verstreken.',
    ]) {
      expect(classifyAfasError(http(500, message)), message).toMatchObject({
        class: 'functional',
        shrinkable: true,
      });
    }
  });

  it('404 on an overlong query and our own query/usage errors → client-bug', () => {
    expect(classifyAfasError(http(404, null, { queryLength: 2100 })).class).toBe('client-bug');
    expect(classifyAfasError(http(404, null, { queryLength: 2000 })).class).toBe('client-bug');
    expect(classifyAfasError(http(404, null, { queryLength: 40 })).class).toBe('functional');
    expect(classifyAfasError(new AfasQueryTooLongError('long', 3000, 2049)).class).toBe('client-bug');
    expect(classifyAfasError(new AfasUsageError('bad')).class).toBe('client-bug');
  });

  it('bad responses, data errors, aborts and foreign errors', () => {
    expect(classifyAfasError(new AfasBadResponseError('malformed')).class).toBe('bad-response');
    expect(classifyAfasError(new AfasDataError('x', 'C', 'F', 'K')).class).toBe('data');
    expect(classifyAfasError(new AfasAbortError('stop'))).toMatchObject({
      class: 'aborted',
      retryable: false,
    });
    expect(classifyAfasError(new TypeError('x'))).toMatchObject({ class: 'unknown', retryable: false });
    expect(classifyAfasError('a string').class).toBe('unknown');
  });
});
