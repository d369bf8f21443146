// Closing the loop (issue 19 point 6): a posted entry is confirmed only when journal_lines holds
// exactly its lines under its entry number: the same number of lines, and each line's account,
// debit, credit, booking date, journal and description (with the marker) matched once. Pure:
// src/db/post-confirm.ts reads both sides.
import { formatDecimal, isZero, parseDecimal, sameAmount } from '../decimal/decimal.js';
import type { BatchEntry } from './batch-format.js';
import { markedDescription } from './marker.js';

/** One line as journal_lines holds it (amounts as PostgreSQL prints numerics). */
export interface SyncedLine {
  account: string;
  debit: string | null;
  credit: string | null;
  date: string | null;
  journal: string | null;
  description: string | null;
}

export interface PostedEntry {
  key: string;
  entryNo: number;
  journal: string;
  entryDate: string;
  marker: string;
  entry: Pick<BatchEntry, 'description' | 'lines'>;
}

interface Expected {
  account: string;
  debit: string;
  credit: string;
  description: string;
}

function lineLabel(line: Expected): string {
  const side = isZero(parseDecimal(line.debit))
    ? `credit ${formatDecimal(parseDecimal(line.credit), 2)}`
    : `debit ${formatDecimal(parseDecimal(line.debit), 2)}`;
  return `${line.account} ${side}`;
}

/**
 * Why the synced lines are not exactly the entry's; null when they are. The comparison is a
 * matching, not a zip: AFAS numbers lines in its own order.
 */
export function entryDifference(posted: PostedEntry, synced: readonly SyncedLine[]): string | null {
  const expected: Expected[] = posted.entry.lines.map((line) => ({
    account: line.account,
    debit: line.debit,
    credit: line.credit,
    description: markedDescription(line.description ?? posted.entry.description, posted.marker),
  }));
  const where = `entry ${posted.key} (AFAS entry ${posted.entryNo})`;
  if (synced.length === 0) return `${where} is not in journal_lines yet`;
  const left = [...synced];
  const missing: Expected[] = [];
  for (const line of expected) {
    const at = left.findIndex(
      (row) =>
        row.account === line.account &&
        row.debit !== null &&
        sameAmount(line.debit, row.debit) &&
        row.credit !== null &&
        sameAmount(line.credit, row.credit) &&
        row.date === posted.entryDate &&
        row.journal === posted.journal &&
        row.description === line.description,
    );
    if (at === -1) missing.push(line);
    else left.splice(at, 1);
  }
  if (missing.length === 0 && left.length === 0) return null;
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`lacks ${missing.map(lineLabel).join(', ')}`);
  if (left.length > 0)
    parts.push(
      `${left.length} other line${left.length === 1 ? '' : 's'} (${left.map((row) => row.account).join(', ')})`,
    );
  return `${where} in journal_lines differs from what was posted: ${parts.join('; ')}`;
}
