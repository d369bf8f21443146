import { describe, expect, it } from 'vitest';
import { changedLinesSince, type PreviousCheck } from '../../../src/activities/ledger/changed-lines.js';

const EARLIER = new Date('2026-12-01T10:00:00Z');
const NOW = new Date('2026-12-01T10:15:00Z');

const previous = (overrides: Partial<PreviousCheck> = {}): PreviousCheck => ({
  scope: { administrations: null, years: null },
  unbalancedEntries: 0,
  unbalanced: [],
  linesOutside: 0,
  runStartedAt: EARLIER,
  ...overrides,
});

describe('changedLinesSince: where a sync checks entries', () => {
  it('every entry when no earlier check covers this one', () => {
    const current = { runStartedAt: NOW, administrations: [1, 2] };
    expect(changedLinesSince(undefined, current)).toBeUndefined();
    // An import's check of some years, or of fewer administrations, leaves entries unchecked.
    expect(
      changedLinesSince(previous({ scope: { administrations: null, years: [2025] } }), current),
    ).toBeUndefined();
    expect(
      changedLinesSince(previous({ scope: { administrations: [1], years: null } }), current),
    ).toBeUndefined();
    expect(
      changedLinesSince(previous({ scope: { administrations: [1, 2], years: null } }), {
        runStartedAt: NOW,
        administrations: null,
      }),
    ).toBeUndefined();
  });

  it("an import's check of the years that hold every line counts as a check of every entry", () => {
    const imported = previous({ scope: { administrations: [1], years: [2025], coversEveryLine: true } });
    expect(changedLinesSince(imported, { runStartedAt: NOW, administrations: [1, 2] })).toEqual({
      replacedSince: EARLIER.toISOString(),
      entries: [],
    });
  });

  it('every entry when the earlier check could not carry what it found', () => {
    const current = { runStartedAt: NOW, administrations: null };
    const listed = [{ administration: 1, entryNo: 7, debit: '1', credit: '0' }];
    expect(
      changedLinesSince(previous({ unbalancedEntries: 2, unbalanced: listed }), current),
    ).toBeUndefined();
    expect(changedLinesSince(previous({ linesOutside: 1 }), current)).toBeUndefined();
  });

  it('the days replaced since the earlier run started, and the entries it found unbalanced', () => {
    const listed = [{ administration: 1, entryNo: 7, debit: '1', credit: '0' }];
    expect(
      changedLinesSince(
        previous({
          scope: { administrations: [1, 2, 3], years: null },
          unbalancedEntries: 1,
          unbalanced: listed,
        }),
        { runStartedAt: NOW, administrations: [1, 3] },
      ),
    ).toEqual({ replacedSince: EARLIER.toISOString(), entries: [{ administration: 1, entryNo: 7 }] });
  });

  it("never later than this run's own start", () => {
    const later = new Date('2026-12-01T10:20:00Z');
    expect(
      changedLinesSince(previous({ runStartedAt: later }), { runStartedAt: NOW, administrations: null }),
    ).toMatchObject({ replacedSince: NOW.toISOString() });
  });
});
