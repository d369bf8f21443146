import { describe, expect, it } from 'vitest';
import { reconcileReason, type ReconcilePolicy } from '../../src/activities/sync/reconcile-policy.js';

const policy: ReconcilePolicy = { fullReloadMaxRows: 100, reconcileIntervalSeconds: 3600, forced: false };
const state = (
  reconcile: { rows: number; secondsAgo: number } | null,
  watermark: string | null = '2025-01-01T00:00:00',
) => ({
  watermark,
  reconcile,
});

describe('when a modified-watermark scope is read whole', () => {
  it('on its first sync, and when forced (`sync --full`)', () => {
    expect(reconcileReason(state(null, null), policy)).toBe('first sync');
    expect(reconcileReason(state({ rows: 5_000, secondsAgo: 1 }), { ...policy, forced: true })).toBe(
      'forced',
    );
  });

  it('every run while the scope held at most fullReloadMaxRows rows at its last whole read', () => {
    expect(reconcileReason(state({ rows: 100, secondsAgo: 1 }), policy)).toBe('small scope');
    expect(reconcileReason(state({ rows: 0, secondsAgo: 1 }), policy)).toBe('small scope');
    expect(reconcileReason(state({ rows: 101, secondsAgo: 1 }), policy)).toBeNull();
  });

  it('a larger scope once the reconcile interval has passed since its last whole read', () => {
    expect(reconcileReason(state({ rows: 101, secondsAgo: 3599.9 }), policy)).toBeNull();
    expect(reconcileReason(state({ rows: 101, secondsAgo: 3600 }), policy)).toBe('interval passed');
  });

  it('at once when no whole read was ever recorded (state from before reconciles were recorded)', () => {
    expect(reconcileReason(state(null), policy)).toBe('never reconciled');
  });
});
