// A batch id posted again is "the same batch" exactly when its content hash is equal: spelling
// that parses to the same entries must match, anything AFAS would book differently must not.
import { describe, expect, it } from 'vitest';
import { parseBatch } from '../../src/write-back/batch-format.js';
import { batchContentHash, canonicalJson } from '../../src/write-back/content-hash.js';

const entry = (key: string, debit: string, extra: Record<string, unknown> = {}) => ({
  key,
  administration: 1,
  journal: '90',
  date: '2025-03-31',
  lines: [
    { account: '4000', debit, credit: '0', ...extra },
    { account: '1600', debit: '0', credit: debit },
  ],
});
const hashOf = (...entries: unknown[]) => {
  const parsed = parseBatch(JSON.stringify({ batch: 'b', entries }));
  expect(parsed.problems).toEqual([]);
  return batchContentHash(parsed.entries);
};

describe('batch content hash', () => {
  it('sorts object keys and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });

  it('is the same for the same entries however they are spelled', () => {
    const plain = hashOf(entry('a', '1250'));
    expect(hashOf(entry('a', '1250.00'))).toBe(plain);
    expect(hashOf(entry('a', '1250.0', { kind: 'ledger' }))).toBe(plain);
    const reordered = { ...entry('a', '1250'), date: '2025-03-31', key: 'a' };
    expect(hashOf(reordered)).toBe(plain);
  });

  it('differs for another amount, another line field or another entry order', () => {
    const base = hashOf(entry('a', '1250'), entry('b', '10'));
    expect(hashOf(entry('a', '1250.01'), entry('b', '10'))).not.toBe(base);
    expect(hashOf(entry('a', '1250', { vatCode: '1' }), entry('b', '10'))).not.toBe(base);
    expect(hashOf(entry('b', '10'), entry('a', '1250'))).not.toBe(base);
  });
});
