import { describe, expect, it } from 'vitest';
import { compensationVerdict } from '../../src/workflows/post/outcome.js';

describe('compensationVerdict: how a compensated batch ends', () => {
  it('compensated when every entry was deleted or never reached AFAS', () => {
    const verdict = compensationVerdict('AFAS refused entry b', [
      { key: 'a', outcome: 'deleted', message: null },
      { key: 'b', outcome: 'not_posted', message: null },
    ]);
    expect(verdict.status).toBe('compensated');
    expect(verdict.reason).toBe('AFAS refused entry b; 1 posted entry deleted, AFAS is as before the batch');
  });

  it('reversed when AFAS refused a delete and a reversing entry stands beside it', () => {
    const verdict = compensationVerdict('cancelled', [
      { key: 'a', outcome: 'deleted', message: null },
      { key: 'b', outcome: 'reversed', message: 'period blocked' },
    ]);
    expect(verdict).toEqual({
      status: 'reversed',
      reason: 'cancelled; 1 entry deleted, 1 reversed (AFAS refused to delete: b)',
    });
  });

  it('compensation_incomplete names every entry still in AFAS with its answer, over reversals', () => {
    const verdict = compensationVerdict('cancelled', [
      { key: 'a', outcome: 'reversed', message: null },
      {
        key: 'b',
        outcome: 'failed',
        message: 'Voor deze administratie is periode 3 van jaar 2026 geblokkeerd.',
      },
      { key: 'c', outcome: 'failed', message: null },
    ]);
    expect(verdict.status).toBe('compensation_incomplete');
    expect(verdict.reason).toBe(
      'cancelled; still in AFAS: b (Voor deze administratie is periode 3 van jaar 2026 geblokkeerd.); c (no answer recorded)',
    );
  });
});
