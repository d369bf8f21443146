// Counting a page's rows on its bytes, for the pages the scanner leaves to JSON.parse: exact for
// AFAS's flat rows whatever the formatting, stopping one past the limit, and never fooled into a
// low count by a body of another shape (pure unit tests).
import { describe, expect, it } from 'vitest';
import { countRows, rowsAtMost } from '../../src/codec/row-count.js';

const count = (text: string, limit = 1_000) => countRows(Buffer.from(text, 'utf8'), limit);

describe('countRows', () => {
  it('counts the rows of pages the scanner refuses, as JSON.parse would find them', () => {
    const rows = [
      { a: 'say "hi" \\ [not, a, row] {nor: this}', b: 1 },
      { a: 'line\nbreak, €, 😀', b: null },
      {},
      { c: true, d: -1.5e-7 },
    ];
    const compact = JSON.stringify({ skip: 0, take: 10, rows });
    const pretty = JSON.stringify({ skip: 0, take: 10, rows }, null, 2);
    for (const text of [compact, pretty, `\uFEFF${compact}`, compact.replaceAll(',', ' , ')]) {
      expect(count(text), text).toBe(rows.length);
    }
  });

  it('counts an empty page and a page without rows as none', () => {
    expect(count('{"skip":0,"take":10,"rows":[]}')).toBe(0);
    expect(count('{ "rows" : [ ] }')).toBe(0);
    expect(count('{"skip":0,"take":10}')).toBe(0);
  });

  it('stops one past the limit', () => {
    const flood = `{"rows": [${'{}, '.repeat(2_000_000)}{}]}`;
    expect(count(flood, 4_000)).toBe(4_001);
    expect(count('{"rows":[{},{},{}]}', 3)).toBe(3);
    expect(count('{"rows":[{},{},{},{}]}', 3)).toBe(4);
  });

  it('sees through strings with escaped quotes and backslashes', () => {
    // `\\"` ends the string (an escaped backslash), `\"` does not.
    expect(count('{"rows":[{"a":"x\\\\"},{"a":"y\\"],[{}"},{"a":"z"}]}')).toBe(3);
  });

  it.each([
    ['rows that are not objects', '{"rows":[1,"x",null,true,[]]}', 5],
    ['a top-level array', '[{},{},{}]', 3],
    ['rows under another member', '{"data":{"rows":[{},{},{}]}}', 3],
    ['values nested in rows', '{"rows":[{"a":{"b":1},"c":[1,2]}]}', 5],
  ])('counts %s: JSON.parse would build them too', (_what, text, expected) => {
    expect(count(text)).toBe(expected);
  });
});

describe('rowsAtMost', () => {
  const page = (rows: unknown[]) => Buffer.from(JSON.stringify({ skip: 0, take: 3, rows }, null, 1));

  it('takes a page of at most maxRows rows, and refuses one more', () => {
    expect(rowsAtMost(page([{ a: 1 }, { a: 2 }, { a: 3 }]), 3)).toBe(true);
    expect(rowsAtMost(page([]), 3)).toBe(true);
    expect(rowsAtMost(page([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]), 3)).toBe(false);
    expect(rowsAtMost(Buffer.from(`{"rows": [${'{}, '.repeat(2_000_000)}{}]}`), 4_000)).toBe(false);
  });

  it('counts the rows when strings hold braces, instead of taking every brace for a row', () => {
    const braces = { a: '{[{[{[ not rows ]}]}]}' };
    expect(rowsAtMost(page([braces, braces, braces]), 3)).toBe(true);
    expect(rowsAtMost(page([braces, braces, braces, braces]), 3)).toBe(false);
  });

  it('refuses rows nested in another member, and values nested in rows beyond the limit', () => {
    expect(rowsAtMost(Buffer.from('{"data":{"rows":[{},{},{},{}]}}'), 3)).toBe(false);
    expect(rowsAtMost(Buffer.from('{"rows":[{"a":{},"b":{},"c":{}}]}'), 3)).toBe(false);
  });
});
