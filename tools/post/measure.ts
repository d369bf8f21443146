// What bench:post reads back after the batch ended: the batch's own record in PostgreSQL (its
// times, status, steps), whether its lines reached journal_lines, the confirming sync's run, and
// the FiEntries calls as the simulator logged them.
import type pg from 'pg';
import { LEDGER_PROOF } from '../../src/catalog/index.js';
import { tableName } from '../../src/db/ledger-sql.js';
import { ident } from '../../src/db/pool.js';
import { round } from '../bench-run.js';
import { percentile } from '../fleet/report.js';
import type { LoggedCall } from '../soak/simulator-control.js';

export interface BatchFacts {
  status: string;
  reason: string | null;
  /** Registration (the CLI's insert), every entry in AFAS, the batch's end. */
  createdAt: Date;
  postedAt: Date | null;
  endedAt: Date | null;
  /** Entries with an AFAS entry number recorded. */
  entriesPosted: number;
  /** post_steps by `action outcome`, e.g. `post ok: 1000`. */
  steps: Record<string, number>;
  /** journal_lines rows of the batch's entries (by administration and entry number). */
  journalLines: number;
}

export async function batchFacts(
  pool: pg.Pool,
  schema: string,
  source: string,
  batch: string,
): Promise<BatchFacts | undefined> {
  const found = await pool.query<{
    status: string;
    reason: string | null;
    created_at: Date;
    posted_at: Date | null;
    ended_at: Date | null;
    posted: string;
  }>(
    `SELECT b.status, b.reason, b.created_at, b.posted_at, b.ended_at,
            (SELECT count(*) FROM ${tableName(schema, 'post_entries')} e
              WHERE e.source = b.source AND e.batch_id = b.batch_id AND e.entry_no IS NOT NULL) AS posted
       FROM ${tableName(schema, 'post_batches')} b WHERE b.source = $1 AND b.batch_id = $2`,
    [source, batch],
  );
  const row = found.rows[0];
  if (!row) return undefined;
  const steps = await pool.query<{ step: string; count: string }>(
    `SELECT action || ' ' || outcome AS step, count(*) AS count FROM ${tableName(schema, 'post_steps')}
      WHERE source = $1 AND batch_id = $2 GROUP BY 1 ORDER BY 1`,
    [source, batch],
  );
  const L = LEDGER_PROOF.lines;
  const lines = await pool.query<{ count: string }>(
    `SELECT count(*) AS count
       FROM ${tableName(schema, 'post_entries')} e
       JOIN ${tableName(schema, L.dataset)} j
         ON j._source = e.source AND j._deleted_at IS NULL
        AND j.${ident(L.administrationField)}::int = e.administration AND j.${ident(L.entryField)}::bigint = e.entry_no
      WHERE e.source = $1 AND e.batch_id = $2`,
    [source, batch],
  );
  return {
    status: row.status,
    reason: row.reason,
    createdAt: row.created_at,
    postedAt: row.posted_at,
    endedAt: row.ended_at,
    entriesPosted: Number(row.posted),
    steps: Object.fromEntries(steps.rows.map(({ step, count }) => [step, Number(count)])),
    journalLines: Number(lines.rows[0]?.count ?? 0),
  };
}

/** The first sync of the source that started at or after `since`: the batch's confirming sync. */
export async function syncAfter(
  pool: pg.Pool,
  schema: string,
  source: string,
  since: Date,
): Promise<{ status: string; seconds: number | null } | undefined> {
  const found = await pool.query<{ status: string; started_at: Date; finished_at: Date | null }>(
    `SELECT status, started_at, finished_at FROM ${tableName(schema, 'sync_runs')}
      WHERE source = $1 AND kind = 'sync' AND started_at >= $2 ORDER BY started_at LIMIT 1`,
    [source, since],
  );
  const row = found.rows[0];
  if (!row) return undefined;
  return {
    status: row.status,
    seconds: row.finished_at ? (row.finished_at.getTime() - row.started_at.getTime()) / 1000 : null,
  };
}

export interface FiEntriesFigures {
  /** Every FiEntries call (POST, PUT, DELETE), whatever AFAS answered. */
  calls: number;
  byMethod: Record<string, number>;
  /** Calls AFAS answered with an error (a refusal, a lock, an injected fault). */
  refused: number;
  /** The most FiEntries calls AFAS had in flight at once. */
  maxInFlight: number;
  /** Each call's time from arrival to answer, ms. */
  durationMs: { p50: number; max: number };
  /** From the first call's arrival to the last call's answer, seconds (AFAS's view of the posting). */
  spanSeconds: number;
}

/** Arrival and answer of a logged call, in ms since the epoch. */
const interval = (call: LoggedCall) => {
  const start = Date.parse(call.timestamp);
  return { start, end: start + call.durationMs };
};

/**
 * The most intervals open at once. An interval that ends exactly when another starts does not
 * overlap it: a client that sends its next call on the answer never has two in flight.
 */
export function maxOverlap(intervals: readonly { start: number; end: number }[]): number {
  const events = intervals.flatMap(({ start, end }) => [
    { at: start, step: 1 },
    { at: end, step: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.step - b.step);
  let open = 0;
  let most = 0;
  for (const event of events) {
    open += event.step;
    most = Math.max(most, open);
  }
  return most;
}

export function fiEntriesFigures(calls: readonly LoggedCall[]): FiEntriesFigures {
  const intervals = calls.map(interval);
  const byMethod: Record<string, number> = {};
  for (const call of calls) byMethod[call.method] = (byMethod[call.method] ?? 0) + 1;
  const first = Math.min(...intervals.map((each) => each.start));
  const last = Math.max(...intervals.map((each) => each.end));
  const durations = calls.map((call) => call.durationMs);
  return {
    calls: calls.length,
    byMethod,
    refused: calls.filter((call) => call.status >= 400 || call.fault !== null).length,
    maxInFlight: maxOverlap(intervals),
    durationMs: { p50: round(percentile(durations, 0.5), 2), max: round(percentile(durations, 1), 2) },
    spanSeconds: calls.length === 0 ? 0 : round((last - first) / 1000, 2),
  };
}

/** Other AFAS calls that arrived while the batch was being posted (marker lookups, metainfo), by connector. */
export function otherCallsWhilePosting(
  calls: readonly LoggedCall[],
  postedAt: Date | null,
): Record<string, number> {
  const until = postedAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const counts: Record<string, number> = {};
  for (const call of calls) {
    if (call.connector === 'FiEntries' || Date.parse(call.timestamp) > until) continue;
    const name = `${call.method} ${call.connector ?? call.path}`;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
