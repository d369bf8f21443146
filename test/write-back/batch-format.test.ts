// The batch file format of issue 19, parsed strictly: every problem names entry key, line and field,
// and one malformed entry never hides the problems of another.
import { describe, expect, it } from 'vitest';
import { parseBatch } from '../../src/write-back/batch-format.js';
import { batchProblems } from '../../src/write-back/batch-rules.js';
import {
  CALLER_DESCRIPTION_LENGTH,
  MARKER_LENGTH,
  entryMarker,
  markedDescription,
} from '../../src/write-back/marker.js';

const line = (account: string, debit: string, credit: string, extra: Record<string, unknown> = {}) => ({
  account,
  debit,
  credit,
  ...extra,
});
const entry = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  administration: 1,
  journal: '90',
  date: '2025-03-31',
  description: 'Accrual rent March',
  lines: [line('4000', '1250.00', '0'), line('1600', '0', '1250.00', { description: 'rent' })],
  ...extra,
});
const batch = (...entries: unknown[]) => JSON.stringify({ batch: 'accruals-2025-03', entries });
const problemsOf = (text: string) => batchProblems(parseBatch(text));

describe('parseBatch', () => {
  it("reads the issue's example with its optional fields, kind defaulting to ledger", () => {
    const parsed = parseBatch(
      batch(
        entry('acc-001', {
          voucherNo: 'ACC-001',
          year: 2025,
          period: 3,
          lines: [
            line('4000', '1250.00', '0', { vatCode: '1', allocations: [{ axis: '1', code: '100' }] }),
            line('10001', '0', '1250', { kind: 'creditor' }),
          ],
        }),
      ),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.batch).toBe('accruals-2025-03');
    expect(parsed.keys).toEqual(['acc-001']);
    expect(parsed.entries[0]?.lines.map((l) => l.kind)).toEqual(['ledger', 'creditor']);
    expect(parsed.entries[0]?.lines[0]?.allocations).toEqual([{ axis: '1', code: '100' }]);
  });

  it("refuses JSON numbers and amounts beyond AFAS's 2 decimals, naming key, line and field", () => {
    const problems = problemsOf(
      batch(
        entry('acc-001', {
          lines: [
            { account: '4000', debit: 1250.5, credit: '0' },
            line('1600', '0', '1250.505'),
            line('1700', '-5', '0'),
            line('1800', '1e3', '0'),
          ],
        }),
      ),
    );
    expect(problems.map(({ entry: key, line: at, field }) => [key, at, field])).toEqual([
      ['acc-001', 1, 'debit'],
      ['acc-001', 2, 'credit'],
      ['acc-001', 3, 'debit'],
      ['acc-001', 4, 'debit'],
    ]);
    expect(problems[0]?.message).toMatch(/decimal string such as "1250.5", not a JSON number/);
    expect(problems[1]?.message).toMatch(/at most 2 decimals/);
  });

  it('refuses unknown fields (a typo is not silently ignored) and missing ones', () => {
    const problems = problemsOf(
      batch(
        entry('acc-001', { debet: '1' }),
        entry('acc-002', {
          journal: undefined,
          lines: [{ account: '4000', debit: '1' }, line('1600', '0', '1')],
        }),
      ),
    );
    expect(problems).toEqual([
      { entry: 'acc-001', line: null, field: 'debet', message: 'is not a field of the batch format' },
      {
        entry: 'acc-002',
        line: null,
        field: 'journal',
        message: 'is required: a text value (quote numbers: "4000")',
      },
      {
        entry: 'acc-002',
        line: 1,
        field: 'credit',
        message: 'is required: a decimal string such as "1250.00"',
      },
    ]);
  });

  it('checks dates, year and period together, one side per line, one code per axis', () => {
    const problems = problemsOf(
      batch(
        entry('a', { date: '2025-02-30', year: 2025 }),
        entry('b', {
          lines: [
            line('4000', '5', '5', {
              allocations: [
                { axis: '1', code: '100' },
                { axis: '1', code: '200' },
              ],
            }),
            line('1600', '0', '0'),
          ],
        }),
      ),
    );
    expect(problems.map((p) => [p.entry, p.line, p.field, p.message])).toEqual([
      ['a', null, 'date', 'is not a date in the calendar'],
      ['a', null, 'period', expect.stringMatching(/year and period go together/)],
      ['b', 1, 'credit', expect.stringMatching(/either debit or credit/)],
      ['b', 1, 'allocations[1].axis', 'axis "1" is allocated twice on this line'],
      ['b', 2, 'debit', expect.stringMatching(/moves no amount/)],
    ]);
  });

  it('names an entry without a readable key by its position, and keeps checking the others', () => {
    const parsed = parseBatch(
      batch({ ...entry('x'), key: 'has space' }, entry('ok', { lines: [line('4000', '1', '0')] })),
    );
    const problems = batchProblems(parsed);
    expect(parsed.keys).toEqual(['entries[0]', 'ok']);
    expect(problems.map((p) => [p.entry, p.field])).toEqual([
      ['entries[0]', 'key'],
      ['ok', 'lines'],
    ]);
    expect(parsed.entries.map((e) => e.key)).toEqual(['ok']);
  });

  it('leaves room in descriptions for the marker afas-sync appends, and says so', () => {
    const longest = 'x'.repeat(CALLER_DESCRIPTION_LENGTH);
    const fits = entry('fits', {
      description: longest,
      lines: [line('4000', '1', '0', { description: longest }), line('1600', '0', '1')],
    });
    expect(problemsOf(batch(fits))).toEqual([]);
    const tooLong = `${longest}y`;
    const problems = problemsOf(
      batch(
        entry('long', {
          description: tooLong,
          lines: [line('4000', '1', '0'), line('1600', '0', '1', { description: tooLong })],
        }),
      ),
    );
    const message =
      "must be at most 228 characters: AFAS's field holds 255 and afas-sync appends its 27-character " +
      'marker to find the entry again';
    expect(problems).toEqual([
      { entry: 'long', line: null, field: 'description', message },
      { entry: 'long', line: 2, field: 'description', message },
    ]);
    // The numbers in the message are the marker's own: 255 less what the marker takes.
    expect(CALLER_DESCRIPTION_LENGTH + MARKER_LENGTH).toBe(255);
    expect(markedDescription(longest, entryMarker('b', 'k'))).toHaveLength(255);
  });

  it('caps a batch at 2,000 entries, one workflow history per batch', () => {
    const entries = (count: number) => Array.from({ length: count }, (_, index) => entry(`e${index}`));
    expect(problemsOf(batch(...entries(2000)))).toEqual([]);
    expect(problemsOf(batch(...entries(2001)))).toEqual([
      {
        entry: null,
        line: null,
        field: 'entries',
        message:
          'may hold at most 2000 entries: a batch is one workflow, whose history holds about 4 events per ' +
          'entry (Temporal limits a history to 51,200 events); split it into batches',
      },
    ]);
  });

  it('reports a file that is no batch at all', () => {
    const [notJson, ...more] = problemsOf('{"batch": "b", "entries": [');
    expect(more).toEqual([]);
    expect(notJson).toMatchObject({ entry: null, line: null, field: '(file)' });
    expect(notJson?.message).toMatch(/^is not JSON: /);
    expect(problemsOf(JSON.stringify({ batch: 'with/slash', entries: [] })).map((p) => p.field)).toEqual([
      'batch',
      'entries',
    ]);
    expect(problemsOf('[]')).toEqual([
      { entry: null, line: null, field: '(batch)', message: 'must be an object' },
    ]);
  });
});

describe('batch rules', () => {
  it('balances exactly, past float precision, and says by how much an entry is off', () => {
    const cents = Array.from({ length: 10 }, () => line('4000', '0.10', '0'));
    expect(problemsOf(batch(entry('tenths', { lines: [...cents, line('1600', '0', '1.00')] })))).toEqual([]);
    const big = [line('4000', '9007199254740993.01', '0'), line('1600', '0', '9007199254740993.00')];
    expect(problemsOf(batch(entry('big', { lines: big })))).toEqual([
      {
        entry: 'big',
        line: null,
        field: 'lines',
        message:
          'does not balance: debit 9007199254740993.01, credit 9007199254740993.00 (debit − credit = 0.01)',
      },
    ]);
  });

  it('reports every repeated key, naming the first use', () => {
    const problems = problemsOf(batch(entry('dup'), entry('other'), entry('dup')));
    expect(problems).toEqual([
      {
        entry: 'dup',
        line: null,
        field: 'key',
        message: 'entries[2] repeats the key of entries[0]: keys must be unique within the batch',
      },
    ]);
  });
});
