import { describe, expect, it } from 'vitest';
import { groupAdministrations } from '../../src/activities/sync/day-plan.js';
import { dayBatchesWorkflowId, policyOptions } from '../../src/workflows/sync/planned-days.js';

const admin = (administration: number, batches: number) => ({
  administration,
  batches,
  dayCount: batches * 60,
});

describe('grouping a changed-days plan into workflow executions', () => {
  it('packs consecutive administrations up to the limit of batches per execution', () => {
    const plan = [admin(1, 31), admin(2, 31), admin(3, 31), admin(4, 31), admin(5, 31)];
    expect(groupAdministrations(plan, 62)).toEqual([[1, 2], [3, 4], [5]]);
    expect(groupAdministrations(plan, 61)).toEqual([[1], [2], [3], [4], [5]]);
    // Exactly the limit still fits.
    expect(groupAdministrations(plan, 155)).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('gives an administration over the limit an execution of its own', () => {
    expect(groupAdministrations([admin(1, 2), admin(2, 500), admin(3, 2)], 300)).toEqual([[1], [2], [3]]);
  });

  it('keeps administrations with nothing to replace in a group (their watermark still moves)', () => {
    expect(groupAdministrations([admin(1, 0), admin(2, 3), admin(3, 0)], 3)).toEqual([[1, 2, 3]]);
    expect(groupAdministrations([admin(1, 0), admin(2, 0)], 3)).toEqual([[1, 2]]);
    expect(groupAdministrations([], 3)).toEqual([]);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => groupAdministrations([admin(1, 1)], 0)).toThrow(
      'maxBatches must be a positive integer, got 0',
    );
    expect(() => groupAdministrations([admin(1, 1)], 1.5)).toThrow('got 1.5');
  });
});

describe('child workflows of the replace loop', () => {
  it('have ids unique per run and readable per group', () => {
    const scope = { runId: '0b5c', dataset: 'journal_lines' as const };
    expect(dayBatchesWorkflowId('afas-sync/acme', scope, [1, 2, 3])).toBe(
      'afas-sync/acme/run-0b5c/journal_lines/admins-1-3',
    );
    expect(dayBatchesWorkflowId('afas-sync/acme', scope, [7])).toBe(
      'afas-sync/acme/run-0b5c/journal_lines/admin-7',
    );
  });

  it('get the sync’s activity policies and none of the operator’s flags', () => {
    expect(
      policyOptions({
        heartbeatTimeoutSeconds: 10,
        retryGiveUpSeconds: 60,
        ...{ full: true, allowMassDelete: true, datasets: ['journal_lines'] },
      }),
    ).toEqual({ heartbeatTimeoutSeconds: 10, retryGiveUpSeconds: 60 });
  });
});
