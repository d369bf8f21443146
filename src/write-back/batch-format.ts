// The batch file of journal entries to post to AFAS (issue 19): its shape, parsed strictly. Each
// entry is parsed on its own, so one malformed entry does not hide the problems of the others, and
// every problem names the entry's key, the line and the field. Limits are AFAS's FiEntries field
// lengths (§6.3): account 16, voucher number 20, VAT code 3, allocation code 16; descriptions 255
// less the marker afas-sync appends (marker.ts).
import { z } from 'zod';
import { isZero, parseDecimal } from '../decimal/decimal.js';
import { IDENTIFIER_RULE, isBatchIdentifier } from './identifier.js';
import { CALLER_DESCRIPTION_LENGTH, DESCRIPTION_LENGTH, MARKER_LENGTH } from './marker.js';
import type { BatchProblem } from './problems.js';

/**
 * An amount: a decimal string with at most 2 decimals, AFAS's precision for AmDe/AmCr (decimal,
 * 2 decimals), and at most 16 digits before the point (field length 18). Never negative: the side
 * (debit or credit) carries the sign. JSON numbers are refused: a float may already have lost a cent.
 */
const AMOUNT = /^(0|[1-9]\d{0,15})(\.\d{1,2})?$/;

/**
 * Entries per batch. One batch is one workflow, whose history holds about 4 events per entry
 * (activity scheduled, started, completed, plus the workflow tasks between): 2,000 entries stay
 * far below Temporal's 51,200-event limit, retries and compensation included.
 */
export const MAX_BATCH_ENTRIES = 2000;

const amount = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number'
        ? `must be a decimal string such as "${String(issue.input)}", not a JSON number (a number may already have lost precision)`
        : 'is required: a decimal string such as "1250.00"',
  })
  .regex(AMOUNT, {
    error:
      'must be a non-negative decimal string with at most 2 decimals and 16 digits before the point, e.g. "1250.00"',
  });

/** A code AFAS looks up (account, journal, VAT code, allocation): no spaces, at most `max` characters. */
const code = (max: number) =>
  z
    .string({ error: 'is required: a text value (quote numbers: "4000")' })
    .regex(new RegExp(`^\\S{1,${max}}$`), { error: `must be 1 to ${max} characters without spaces` });

const text = (max: number) =>
  z
    .string({ error: 'must be a text value' })
    .min(1, { error: 'must not be empty (leave the field out instead)' })
    .max(max, { error: `must be at most ${max} characters (AFAS's field length)` });

/** A description afas-sync posts with its marker appended, so it must leave room for it. */
const description = z
  .string({ error: 'must be a text value' })
  .min(1, { error: 'must not be empty (leave the field out instead)' })
  .max(CALLER_DESCRIPTION_LENGTH, {
    error:
      `must be at most ${CALLER_DESCRIPTION_LENGTH} characters: AFAS's field holds ${DESCRIPTION_LENGTH} and ` +
      `afas-sync appends its ${MARKER_LENGTH}-character marker to find the entry again`,
  });

const date = z
  .string({ error: 'is required: a date as YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date as YYYY-MM-DD' })
  .refine((value) => isCalendarDate(value), { error: 'is not a date in the calendar' });

const integer = (min: number, max: number) =>
  z
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be ${min} to ${max}` })
    .max(max, {
      error: `must be ${min} to ${max}`,
    });

const allocationSchema = z.strictObject({
  /** The axis id as allocation_assignments.DimAx holds it. */
  axis: code(10),
  code: code(16),
});

const lineSchema = z.strictObject({
  account: code(16),
  kind: z
    .enum(['ledger', 'debtor', 'creditor'], { error: 'must be "ledger", "debtor" or "creditor"' })
    .default('ledger'),
  debit: amount,
  credit: amount,
  description: description.optional(),
  vatCode: code(3).optional(),
  allocations: z.array(allocationSchema, { error: 'must be a list of { "axis", "code" }' }).optional(),
});

const entrySchema = z
  .strictObject({
    key: z
      .string({ error: 'is required: the entry key' })
      .refine(isBatchIdentifier, { error: `must be ${IDENTIFIER_RULE}` }),
    administration: integer(1, 2_147_483_647),
    journal: code(10),
    date,
    description: description.optional(),
    voucherNo: text(20).optional(),
    year: integer(1900, 9999).optional(),
    period: integer(1, 99).optional(),
    lines: z
      .array(lineSchema, { error: 'is required: a list of lines' })
      .min(1, { error: 'must hold at least one line' })
      .max(1000, { error: 'may hold at most 1000 lines (AFAS advises no more per entry)' }),
  })
  .superRefine((entry, context) => {
    if ((entry.year === undefined) !== (entry.period === undefined))
      context.addIssue({
        code: 'custom',
        path: [entry.year === undefined ? 'year' : 'period'],
        message: 'year and period go together: give both, or neither to derive them from the date',
      });
    entry.lines.forEach((line, index) => {
      const debit = !isZero(parseDecimal(line.debit));
      const credit = !isZero(parseDecimal(line.credit));
      if (debit === credit)
        context.addIssue({
          code: 'custom',
          path: ['lines', index, debit ? 'credit' : 'debit'],
          message: debit
            ? 'a line is either debit or credit: one of the two must be "0"'
            : 'a line moves no amount: debit or credit must be more than zero',
        });
      const axes = (line.allocations ?? []).map((allocation) => allocation.axis);
      axes.forEach((axis, at) => {
        if (axes.indexOf(axis) !== at)
          context.addIssue({
            code: 'custom',
            path: ['lines', index, 'allocations', at, 'axis'],
            message: `axis "${axis}" is allocated twice on this line`,
          });
      });
    });
  });

const envelopeSchema = z.strictObject({
  batch: z
    .string({ error: 'is required: the batch id' })
    .refine(isBatchIdentifier, { error: `must be ${IDENTIFIER_RULE}` }),
  entries: z
    .array(z.unknown(), { error: 'is required: a list of entries' })
    .min(1, { error: 'must hold at least one entry' })
    .max(MAX_BATCH_ENTRIES, {
      error:
        `may hold at most ${MAX_BATCH_ENTRIES} entries: a batch is one workflow, whose history holds about ` +
        '4 events per entry (Temporal limits a history to 51,200 events); split it into batches',
    }),
});

export type BatchLine = z.infer<typeof lineSchema>;
export type BatchEntry = z.infer<typeof entrySchema>;

export interface ParsedBatch {
  /** Null when the file is not a batch at all (then `problems` says why). */
  batch: string | null;
  /** The entries listed, in file order; the malformed ones are left out (their problems say why). */
  entries: BatchEntry[];
  /** Every entry's key as listed (or `entries[i]`), for reports in file order. */
  keys: string[];
  problems: BatchProblem[];
}

/** Parses the text of a batch file; problems for everything that is not exactly the format. */
export function parseBatch(source: string): ParsedBatch {
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return notABatch({ entry: null, line: null, field: '(file)', message: `is not JSON: ${reason}` });
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    return notABatch(...envelope.error.issues.map((issue) => locate(issue, null)));
  }
  const parsed: ParsedBatch = { batch: envelope.data.batch, entries: [], keys: [], problems: [] };
  envelope.data.entries.forEach((raw, index) => {
    const key = readableKey(raw) ?? `entries[${index}]`;
    parsed.keys.push(key);
    const entry = entrySchema.safeParse(raw);
    if (entry.success) parsed.entries.push(entry.data);
    else parsed.problems.push(...entry.error.issues.map((issue) => locate(issue, key)));
  });
  return parsed;
}

function notABatch(...problems: BatchProblem[]): ParsedBatch {
  return { batch: null, entries: [], keys: [], problems };
}

function readableKey(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || !('key' in raw)) return undefined;
  return typeof raw.key === 'string' && isBatchIdentifier(raw.key) ? raw.key : undefined;
}

/** A zod issue as a problem: `lines.1.allocations.0.code` → line 2, field `allocations[0].code`. */
function locate(issue: z.core.$ZodIssue, entry: string | null): BatchProblem {
  const path = [...issue.path];
  let line: number | null = null;
  if (entry !== null && path[0] === 'lines' && typeof path[1] === 'number') {
    line = path[1] + 1;
    path.splice(0, 2);
  }
  let field = path.reduce<string>(
    (name, part) =>
      typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${String(part)}` : String(part),
    '',
  );
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    field = issue.keys.map((key) => (field ? `${field}.${key}` : key)).join(', ');
    message = `${issue.keys.length === 1 ? 'is not a field' : 'are not fields'} of the batch format`;
  } else if (issue.code === 'invalid_type' && issue.expected === 'object') {
    message = 'must be an object';
  }
  return {
    entry,
    line,
    field: field || (line === null ? (entry === null ? '(batch)' : '(entry)') : '(line)'),
    message,
  };
}

function isCalendarDate(value: string): boolean {
  const [year = 0, month = 0, day = 0] = value.split('-').map(Number);
  const parsed = new Date(Date.UTC(year, month - 1, day));
  return (
    parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day
  );
}
