// The look-up of an entry by its marker: the GetConnector query it sends, and how its rows are read.
import { describe, expect, it } from 'vitest';
import { normalizeFilter } from '../../src/afas/filters.js';
import { connectorQueryString } from '../../src/afas/pages.js';
import {
  entryNumbersOf,
  MARKER_ORDER,
  markerFilter,
  MarkerAmbiguousError,
  singleEntry,
} from '../../src/write-back/find-entry.js';
import { entryMarker } from '../../src/write-back/marker.js';

const MARKER = entryMarker('accruals-2025-03', 'acc-001');

describe('markerFilter', () => {
  it('asks for the administration AND a description containing the marker, sorted by entry and line', () => {
    const normalized = normalizeFilter(markerFilter(2, MARKER));
    expect(normalized.kind).toBe('groups');
    const groups = normalized.kind === 'groups' ? normalized.groups : [];
    const query = connectorQueryString({
      skip: 0,
      take: 100,
      orderBy: MARKER_ORDER.map((field) => ({ field, descending: false })),
      groups,
      json: false,
    });
    const params = new URLSearchParams(query.slice(1));
    expect(params.get('filterfieldids')).toBe('UnitId,Description');
    expect(params.get('filtervalues')).toBe(`2,%${MARKER}%`);
    expect(params.get('operatortypes')).toBe('1,6');
    expect(params.get('orderbyfieldids')).toBe('EntryNo,SeqNo');
  });

  it('refuses a marker holding a character AFAS reads specially in a filter value', () => {
    for (const marker of ['a%b', 'a_b', 'a[b', 'a,b', 'a;b'])
      expect(() => markerFilter(1, marker)).toThrow('a marker must not hold');
  });
});

describe('entryNumbersOf and singleEntry', () => {
  it('gives the distinct entry numbers of the lines found', () => {
    const rows = [{ EntryNo: 7, SeqNo: 1 }, { EntryNo: 7, SeqNo: 2 }, { EntryNo: '12' }];
    expect(entryNumbersOf(rows)).toEqual([7, 12]);
    expect(entryNumbersOf([])).toEqual([]);
    expect(() => entryNumbersOf([{ SeqNo: 1 }])).toThrow('without a whole EntryNo');
  });

  it('returns the one entry, null for none, and never picks one of several', () => {
    expect(singleEntry(MARKER, [])).toBeNull();
    expect(singleEntry(MARKER, [41])).toBe(41);
    expect(() => singleEntry(MARKER, [41, 43])).toThrow(MarkerAmbiguousError);
    expect(() => singleEntry(MARKER, [41, 43])).toThrow(
      `AFAS holds 2 entries marked ${MARKER} (entry numbers 41, 43)`,
    );
  });
});
