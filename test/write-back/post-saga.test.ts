// Issue 19 point 9, end to end: `afas-sync post` against a synced simulator source, through the
// real Temporal dev server and PostgreSQL. Each entry lands in AFAS exactly once whatever AFAS
// does meanwhile (a locked booking layout, answers lost after the entry was booked); one entry AFAS
// refuses, or `post cancel`, takes every entry of the batch back out; the batch is confirmed only
// once journal_lines holds exactly its lines.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSync } from '../../src/client/sync-control.js';
import type { PostBatchResult } from '../../src/write-back/post-types.js';
import { entryMarker, reversalMarker } from '../../src/write-back/marker.js';
import { ensureBuilt } from '../helpers/build.js';
import { runCli } from '../helpers/cli.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

const TOKEN_DATA = '19A6E40123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567AA';
const TOKEN = `<token><version>1</version><data>${TOKEN_DATA}</data></token>`;
const SOURCE = 'post-saga';
/** The simulator's newest year; periods 3 to 12 are open. */
const YEAR = 2025;

const entry = (key: string, period: number, amount: string) => ({
  key,
  administration: 1,
  journal: '90',
  date: `${YEAR}-${String(period).padStart(2, '0')}-15`,
  description: `Accrual ${key}`,
  lines: [
    { account: '1700', debit: amount, credit: '0' },
    { account: '1000', debit: '0', credit: amount, description: 'to pay' },
  ],
});
const batchOf = (batch: string, count: number, periodOf: (index: number) => number = () => 3) => ({
  batch,
  entries: Array.from({ length: count }, (_, index) =>
    entry(`${batch}-${index + 1}`, periodOf(index), `${100 + index}.25`),
  ),
});

describe('post: the write-back saga on the real stack', () => {
  let fixture: SyncFixture;
  let dir: string;

  beforeAll(async () => {
    [fixture] = await Promise.all([
      startSyncFixture({
        simulator: {
          seed: 23,
          administrations: 1,
          years: [2024, YEAR],
          linesPerYear: 100,
          tokens: [{ token: TOKEN_DATA }],
        },
        sources: [{ name: SOURCE, token: TOKEN, writeBack: true, maxConcurrency: 3 }],
        // A locked layout is retried within seconds here, not AFAS's minutes.
        workerSettings: { retrySchedule: { lockedGiveUpMs: 10 * 60_000, lockedBaseDelayMs: 1_000 } },
        afasRequestTimeoutMs: 5_000,
      }),
      ensureBuilt(),
    ]);
    const sync = await startSync(fixture.target, SOURCE, {});
    expect((await sync.result()).status).toBe('succeeded');
    dir = mkdtempSync(join(tmpdir(), 'post-saga-'));
  });
  afterAll(() => fixture?.close());

  const cli = (...args: string[]) =>
    runCli(args, {
      env: {
        DATABASE_URL: fixture.db.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: fixture.temporal.taskQueue,
      },
      timeoutMs: 180_000,
    });
  const post = async (batch: { batch: string }, ...flags: string[]) => {
    const path = join(dir, `${batch.batch}.json`);
    writeFileSync(path, JSON.stringify(batch));
    const result = await cli('post', SOURCE, '--file', path, ...flags);
    const outcome = flags.includes('--json')
      ? (JSON.parse(result.stdout) as { result?: PostBatchResult })
      : null;
    return { ...result, json: outcome?.result ?? null };
  };
  /** The lines AFAS holds for an entry of a batch, found by its marker. */
  const linesInAfas = async (batch: string, key: string) => {
    const marker = entryMarker(batch, key);
    const rows = await fixture.control.export('Profit_Transactions');
    return rows.filter((row) =>
      (typeof row['Description'] === 'string' ? row['Description'] : '').endsWith(marker),
    );
  };
  const entriesInAfas = async (batch: string, keys: readonly string[]) => {
    const counts: Record<string, number> = {};
    for (const key of keys) {
      const lines = await linesInAfas(batch, key);
      counts[key] = new Set(lines.map((line) => line['EntryNo'])).size;
    }
    return counts;
  };
  /** Waits until AFAS holds at least `count` entries of the batch (entry numbers recorded). */
  const waitForPosted = (batch: string, count: number) =>
    waitFor(
      `${count} entries of ${batch} posted`,
      async () => {
        const posted = await fixture.db.pool.query<{ n: number }>(
          'SELECT count(entry_no)::int AS n FROM afas.post_entries WHERE source = $1 AND batch_id = $2',
          [SOURCE, batch],
        );
        return (posted.rows[0]?.n ?? 0) >= count;
      },
      100,
    );
  /** With RECORD_HISTORIES=1, keeps the batch's workflow history for test/replay. */
  const record = async (batch: string, file: string) => {
    if (!process.env.RECORD_HISTORIES) return;
    const history = await fixture.temporal.client.workflow
      .getHandle(`afas-post/${SOURCE}/${batch}`)
      .fetchHistory();
    await writeFile(new URL(`../fixtures/histories/${file}`, import.meta.url), `${historyToJSON(history)}\n`);
  };
  const fiEntriesPosts = async () =>
    (await fixture.control.requests({ connector: 'FiEntries' })).filter((call) => call.method === 'POST');

  it('posts each entry once and confirms it against journal_lines (exit 0)', async () => {
    await fixture.control.clearRequests();
    const batch = batchOf('saga-plain', 4);
    const result = await post(batch, '--wait', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ status: 'confirmed', reason: null, entries: 4, posted: 4 });
    const keys = batch.entries.map((e) => e.key);
    expect(await entriesInAfas('saga-plain', keys)).toEqual(Object.fromEntries(keys.map((k) => [k, 1])));
    expect(await fiEntriesPosts()).toHaveLength(4);
    const synced = await fixture.db.pool.query<{ key: string; lines: number }>(
      `SELECT e.key, count(l.*)::int AS lines
         FROM afas.post_entries e
         JOIN afas.journal_lines l ON l._source = e.source AND l."EntryNo" = e.entry_no AND l._deleted_at IS NULL
        WHERE e.source = $1 AND e.batch_id = 'saga-plain' AND e.confirmed_at IS NOT NULL
        GROUP BY e.key ORDER BY e.key`,
      [SOURCE],
    );
    expect(synced.rows).toEqual(keys.map((key) => ({ key, lines: 2 })));
    await record('saga-plain', 'post-entries-confirmed.json');

    // The same batch again attaches to it: nothing is posted twice.
    await fixture.control.clearRequests();
    const again = await post(batch, '--wait', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ status: 'confirmed' });
    expect(await fiEntriesPosts()).toHaveLength(0);
  });

  it('a booking layout locked for 10 s: every entry still posted exactly once', async () => {
    await fixture.control.call('POST', 'booking-lock', { seconds: 10 });
    const batch = batchOf('saga-locked', 3);
    const result = await post(batch, '--wait', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.json?.status).toBe('confirmed');
    const keys = batch.entries.map((e) => e.key);
    expect(await entriesInAfas('saga-locked', keys)).toEqual(Object.fromEntries(keys.map((k) => [k, 1])));
  });

  it.each(['ambiguous-reset', 'ambiguous-timeout'])(
    '%s: the answer is lost after AFAS booked the entry; looked up by marker, never posted twice',
    async (kind) => {
      // The time-out's answer comes after the worker's AFAS request time-out (5 s here).
      await fixture.control.fault({ kind, connector: 'FiEntries', count: 2, delayMs: 6_000 });
      const batch = batchOf(`saga-${kind}`, 3);
      const result = await post(batch, '--wait', '--json');
      await fixture.control.clearFaults();
      expect(result.code, result.stderr).toBe(0);
      expect(result.json?.status).toBe('confirmed');
      const keys = batch.entries.map((e) => e.key);
      expect(await entriesInAfas(`saga-${kind}`, keys)).toEqual(Object.fromEntries(keys.map((k) => [k, 1])));
      const found = await fixture.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM afas.post_steps
          WHERE source = $1 AND batch_id = $2 AND action = 'lookup' AND outcome = 'found'`,
        [SOURCE, `saga-${kind}`],
      );
      expect(found.rows[0]?.n).toBe(2);
    },
  );

  it('AFAS refuses one entry of ten: every entry already posted is deleted, AFAS as before (exit 1)', async () => {
    const before = await fixture.control.export('Profit_Transactions');
    // Entry 7 books into period 4, which AFAS blocks after the batch was validated against the copy.
    await fixture.control.call('POST', 'blocked-periods', { unitId: 1, year: YEAR, period: 4 });
    try {
      const batch = batchOf('saga-refused', 10, (index) => (index === 6 ? 4 : 3));
      const result = await post(batch, '--wait', '--json');
      expect(result.code, result.stderr).toBe(1);
      expect(result.json?.status).toBe('compensated');
      expect(result.json?.reason).toMatch(
        /^AFAS refused entry saga-refused-7: Voor deze administratie is periode 4 van jaar 2025 geblokkeerd\.; \d+ posted entries deleted, AFAS is as before the batch$/,
      );
      expect(result.json?.remaining).toEqual([]);
      await record('saga-refused', 'post-entries-compensated.json');
      expect(await fixture.control.export('Profit_Transactions')).toEqual(before);
      const refused = await fixture.db.pool.query<{ status: string; message: string | null }>(
        `SELECT status, message FROM afas.post_entries WHERE source = $1 AND batch_id = 'saga-refused' AND key = 'saga-refused-7'`,
        [SOURCE],
      );
      expect(refused.rows[0]?.status).toBe('failed');
      expect(refused.rows[0]?.message).toMatch(/periode 4 van jaar 2025|period 4 of the year 2025/);
    } finally {
      await fixture.control.call('POST', 'blocked-periods', {
        unitId: 1,
        year: YEAR,
        period: 4,
        blocked: false,
      });
    }
  });

  it('post cancel midway: the posted entries are taken back, the batch ends compensated', async () => {
    const before = await fixture.control.export('Profit_Transactions');
    await fixture.control.call('POST', 'update-latency', { ms: 700 });
    try {
      const batch = batchOf('saga-cancel', 12);
      const started = await post(batch);
      expect(started.code, started.stderr).toBe(0);
      await waitForPosted('saga-cancel', 3);
      const cancelled = await cli('post', 'cancel', SOURCE, '--batch', 'saga-cancel');
      expect(cancelled.code, cancelled.stderr).toBe(0);
      const handle = fixture.temporal.client.workflow.getHandle(`afas-post/${SOURCE}/saga-cancel`);
      const result = (await handle.result()) as PostBatchResult;
      expect(result.status).toBe('compensated');
      expect(result.posted).toBeGreaterThanOrEqual(3);
      expect(result.posted).toBeLessThan(12);
      expect(result.deleted).toBe(result.posted);
      expect(await fixture.control.export('Profit_Transactions')).toEqual(before);
    } finally {
      await fixture.control.call('POST', 'update-latency', { ms: 0 });
    }
  });

  it('the period is blocked after entries were posted: AFAS refuses the deletes, reversing entries net them out (exit 1)', async () => {
    await fixture.control.call('POST', 'update-latency', { ms: 700 });
    const batch = batchOf('saga-reversed', 12);
    try {
      const started = await post(batch);
      expect(started.code, started.stderr).toBe(0);
      await waitForPosted('saga-reversed', 3);
      // Period 3 closes in AFAS: the posts still in flight are refused, and so is every delete.
      await fixture.control.call('POST', 'blocked-periods', { unitId: 1, year: YEAR, period: 3 });
      const handle = fixture.temporal.client.workflow.getHandle(`afas-post/${SOURCE}/saga-reversed`);
      const result = (await handle.result()) as PostBatchResult;
      expect(result.status).toBe('reversed');
      expect(result.reason).toMatch(
        /0 entries deleted, \d+ reversed \(AFAS refused to delete: saga-reversed-/,
      );
      expect(result.posted).toBeGreaterThanOrEqual(3);
      expect(result.reversed).toBe(result.posted);
      expect(result.remaining).toEqual([]);
    } finally {
      await fixture.control.call('POST', 'update-latency', { ms: 0 });
      await fixture.control.call('POST', 'blocked-periods', {
        unitId: 1,
        year: YEAR,
        period: 3,
        blocked: false,
      });
    }
    // Each original stands beside its reversal, booked in the first open period after 3: the
    // batch nets to zero on every account.
    const rows = await fixture.control.export('Profit_Transactions');
    const ofBatch = rows.filter((row) =>
      batch.entries.some((e) => {
        const text = typeof row['Description'] === 'string' ? row['Description'] : '';
        return (
          text.endsWith(entryMarker('saga-reversed', e.key)) ||
          text.endsWith(reversalMarker('saga-reversed', e.key))
        );
      }),
    );
    const reversals = ofBatch.filter((row) =>
      batch.entries.some((e) => String(row['Description']).endsWith(reversalMarker('saga-reversed', e.key))),
    );
    expect(reversals.length).toBe(ofBatch.length / 2);
    expect(new Set(reversals.map((row) => `${String(row['Year'])}-${String(row['Period'])}`))).toEqual(
      new Set([`${YEAR}-4`]),
    );
    const net = new Map<string, number>();
    for (const row of ofBatch) {
      const account = String(row['AccountNo']);
      net.set(
        account,
        (net.get(account) ?? 0) + Math.round((Number(row['AmtDebit']) - Number(row['AmtCredit'])) * 100),
      );
    }
    expect([...net.values()].every((cents) => cents === 0)).toBe(true);
    // Attaching afterwards exits by the end: reversed is 1.
    const again = await post(batch, '--wait', '--json');
    expect(again.code, again.stderr).toBe(1);
    expect(again.json?.status).toBe('reversed');
  });

  it('the sync after posting fails: posted_unconfirmed with the reason (exit 3); the next sync confirms', async () => {
    // Journal-line pages fail for good: the sync after posting cannot load the new lines.
    await fixture.control.fault({ kind: 'unexpected', connector: 'Profit_Transactions' });
    let result;
    try {
      result = await post(batchOf('saga-unconfirmed', 2), '--wait', '--json');
    } finally {
      await fixture.control.clearFaults();
    }
    expect(result.code, result.stderr).toBe(3);
    expect(result.json?.status).toBe('posted_unconfirmed');
    expect(result.json?.reason).toMatch(/the sync after posting ended (partial|failed)/);
    expect(result.json?.reason).toMatch(
      /entry saga-unconfirmed-1 \(AFAS entry \d+\) is not in journal_lines yet/,
    );
    // The operator sees it in the source's status until a sync confirms it.
    const shown = await cli('status', SOURCE);
    expect(shown.stdout).toMatch(
      new RegExp(`write-back +on: 1 posted_unconfirmed \\(afas-sync post status ${SOURCE}\\)`),
    );
    const sync = await startSync(fixture.target, SOURCE, {});
    expect((await sync.result()).status).toBe('succeeded');
    const after = JSON.parse((await cli('status', SOURCE, '--json')).stdout) as {
      writeBack: { enabled: boolean; open: unknown[] };
    };
    expect(after.writeBack).toEqual({ enabled: true, open: [] });
    const status = await fixture.db.pool.query<{ status: string; reason: string | null }>(
      `SELECT status, reason FROM afas.post_batches WHERE source = $1 AND batch_id = 'saga-unconfirmed'`,
      [SOURCE],
    );
    expect(status.rows[0]).toEqual({ status: 'confirmed', reason: null });
  });
});
