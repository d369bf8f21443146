// Which errors of an UpdateConnector write prove that AFAS did nothing (safe to send again), which
// are AFAS's refusal, and which leave the outcome unknown (look the entry up, never re-send).
import { describe, expect, it } from 'vitest';
import { writeOutcome } from '../../../src/activities/post/write-outcome.js';
import {
  AfasAbortError,
  AfasHttpError,
  AfasNetworkError,
  AfasTimeoutError,
} from '../../../src/afas/errors.js';

const http = (status: number, afasMessage: string | null = null) =>
  new AfasHttpError(`AFAS answered ${status}`, {
    status,
    afasMessage,
    errorNumber: null,
    profitLogReference: null,
    retryAfterMs: null,
    bodyExcerpt: null,
    queryLength: 0,
  });

describe('writeOutcome', () => {
  it('knows nothing was executed when AFAS says the layout is locked, or is unavailable', () => {
    expect(writeOutcome(http(500, 'De boekingslay-out is geblokkeerd door een andere gebruiker.'))).toBe(
      'locked',
    );
    expect(writeOutcome(http(503))).toBe('unavailable');
    expect(writeOutcome(http(429))).toBe('unavailable');
    expect(writeOutcome(new AfasNetworkError('refused', 'ECONNREFUSED'))).toBe('unavailable');
  });

  it("takes AFAS's own error answers as refusals", () => {
    expect(writeOutcome(http(500, "De ingevulde waarde bij 'Rekeningnummer' bestaat niet."))).toBe('refused');
    expect(writeOutcome(http(400))).toBe('refused');
  });

  it('leaves resets, time-outs and gateway errors ambiguous', () => {
    expect(writeOutcome(new AfasNetworkError('socket hang up', 'ECONNRESET'))).toBe('ambiguous');
    expect(writeOutcome(new AfasNetworkError('closed', null))).toBe('ambiguous');
    expect(writeOutcome(new AfasTimeoutError('timed out', 1000))).toBe('ambiguous');
    expect(writeOutcome(http(502))).toBe('ambiguous');
    expect(writeOutcome(http(504))).toBe('ambiguous');
  });

  it('hands authentication and cancellation to the activity scope', () => {
    expect(writeOutcome(http(401))).toBe('other');
    expect(writeOutcome(new AfasAbortError('aborted'))).toBe('other');
    expect(writeOutcome(new Error('bug'))).toBe('other');
  });
});
