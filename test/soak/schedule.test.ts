import { describe, expect, it } from 'vitest';
import { planFaults, RATES_PER_MINUTE, type FaultKind } from '../../tools/soak/schedule.js';

describe('soak fault schedule', () => {
  it('is the same for the same seed and different for another', () => {
    expect(planFaults(42, 300_000)).toEqual(planFaults(42, 300_000));
    expect(planFaults(43, 300_000)).not.toEqual(planFaults(42, 300_000));
  });

  it('has every kind at least once, at the configured rates, between 5 % and 90 % of the run, in time order', () => {
    for (const [minutes, seed] of [
      [1.25, 1],
      [5, 42],
      [30, 7],
    ] as const) {
      const duration = minutes * 60_000;
      const events = planFaults(seed, duration);
      const counts = new Map<FaultKind, number>();
      for (const event of events) counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1);
      for (const [kind, rate] of Object.entries(RATES_PER_MINUTE) as [FaultKind, number][]) {
        expect(counts.get(kind), `${kind} in ${minutes} min`).toBe(Math.max(1, Math.round(rate * minutes)));
      }
      expect(events.every((event) => event.atMs >= duration * 0.05 && event.atMs <= duration * 0.9)).toBe(
        true,
      );
      expect(events.map((event) => event.atMs)).toEqual(
        [...events.map((event) => event.atMs)].sort((a, b) => a - b),
      );
    }
  });

  it('keeps AFAS faults bounded: every rule has a count, Retry-After and delays stay short', () => {
    for (const event of planFaults(9, 60 * 60_000)) {
      if (!event.kind.startsWith('afas-') || !('rule' in event)) continue;
      expect(event.rule.count).toBeGreaterThan(0);
      expect(event.rule.count).toBeLessThanOrEqual(20);
      expect(event.rule.retryAfterSeconds ?? 0).toBeLessThanOrEqual(3);
      expect(event.rule.delayMs ?? 0).toBeLessThanOrEqual(1_500);
    }
  });
});
