// What makes two postings of a batch id "the same batch": the sha256 of its parsed entries, in
// order, as canonical JSON (object keys sorted, amounts at AFAS's 2 decimals, defaults filled in by
// the parser). So a file that spells "1250" and an outbox row that reads back as "1250.00", or a
// line with and without `"kind": "ledger"`, are one content; a changed amount, account or order is not.
import { createHash } from 'node:crypto';
import { formatDecimal, parseDecimal } from '../decimal/decimal.js';
import type { BatchEntry, BatchLine } from './batch-format.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** JSON text with every object's keys sorted; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const member: unknown = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

const amount = (text: string) => formatDecimal(parseDecimal(text), 2);

function normalLine(line: BatchLine): BatchLine {
  return { ...line, debit: amount(line.debit), credit: amount(line.credit) };
}

export function batchContentHash(entries: readonly BatchEntry[]): string {
  const normal = entries.map((entry) => ({ ...entry, lines: entry.lines.map(normalLine) }));
  return createHash('sha256').update(canonicalJson(normal)).digest('hex');
}
