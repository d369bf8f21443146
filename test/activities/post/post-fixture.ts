// What the posting activities' tests run against: a fresh database, the simulator over HTTP, one
// source, the activities in Temporal's mock activity environment (AFAS and PostgreSQL are real),
// and batches registered by writing their rows directly.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DEFAULT_ACTIVITY_SETTINGS, type ActivityDeps } from '../../../src/activities/deps.js';
import {
  createPostEntryActivities,
  type PostEntryActivities,
} from '../../../src/activities/post/post-entry-activities.js';
import { AfasClient } from '../../../src/afas/client.js';
import { contextFor } from '../../../src/app/context.js';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.js';
import { afasConnector, CachedAfasClients } from '../../../src/worker/afas-clients.js';
import type { BatchEntry } from '../../../src/write-back/batch-format.js';
import { entryEnvelope } from '../../../src/write-back/fi-entries.js';
import { MARKER_ORDER, markerFilter } from '../../../src/write-back/find-entry.js';
import { entryMarker } from '../../../src/write-back/marker.js';
import type { EntryRef } from '../../../src/write-back/post-types.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { SimControl } from '../../helpers/simulator.js';
import { TEST_SECRET_KEY, testLogger } from '../../helpers/temporal.js';

export const YEAR = 2025;
/** The client gives up on an answer after this long: an `ambiguous-timeout` longer than it is lost. */
export const REQUEST_TIMEOUT_MS = 1_500;

export interface TransactionLine {
  EntryNo: number;
  SeqNo: number;
  Year: number;
  Period: number;
  AccountNo: string;
  AmtDebit: number;
  AmtCredit: number;
  EntryDate: string;
  Description: string | null;
}

export interface PostFixture {
  db: TestDatabase;
  sim: RunningSimulator;
  control: SimControl;
  source: string;
  activities: PostEntryActivities;
  /** Runs an activity once, as attempt `attempt` of Temporal's retries. */
  run<T>(work: () => Promise<T>, attempt?: number): Promise<T>;
  /** Runs an activity the way Temporal retries it (its retryable failures, their delays), until it returns or fails for good. */
  retried<T>(work: () => Promise<T>): Promise<{ result: T; attempts: number }>;
  /** Registers an entry of a batch (post_batches + post_entries rows); returns its reference. */
  register(batch: string, entry: BatchEntry, booking?: { year: number; period: number }): Promise<EntryRef>;
  row(ref: EntryRef): Promise<Record<string, unknown>>;
  steps(ref: EntryRef): Promise<[string, string][]>;
  /** The lines AFAS holds whose description carries the marker. */
  linesMarked(marker: string): Promise<TransactionLine[]>;
  /** Posts an entry straight to AFAS (not through the activities); returns its entry number. */
  postDirectly(ref: EntryRef, entry: BatchEntry, booking: { year: number; period: number }): Promise<number>;
  /** FiEntries calls the simulator answered since the log was last cleared, as `METHOD status fault`. */
  fiEntriesCalls(): Promise<string[]>;
  close(): Promise<void>;
}

export const line = (
  account: string,
  debit: string,
  credit: string,
  extra: Partial<BatchEntry['lines'][number]> = {},
) => ({
  account,
  kind: 'ledger' as const,
  debit,
  credit,
  ...extra,
});

/** A balanced entry: 4000 (which requires a cost centre, axis 1) against 1700. */
export const accrual = (key: string, date: string, extra: Partial<BatchEntry> = {}): BatchEntry => ({
  key,
  administration: 1,
  journal: '90',
  date,
  description: `Accrual ${key}`,
  lines: [
    line('4000', '1250.10', '0', { allocations: [{ axis: '1', code: '100' }] }),
    line('1700', '0', '1250.10', { description: 'to pay' }),
  ],
  ...extra,
});

const periodOf = (date: string) => Number(date.slice(5, 7));

export async function startPostFixture(source: string, token: string): Promise<PostFixture> {
  const db = await createTestDatabase();
  const sim = await startSimulator({
    control: true,
    administrations: 1,
    years: [YEAR],
    linesPerYear: 20,
    tokens: [{ token }],
  });
  const control = new SimControl(sim.url);
  const app = contextFor(db.pool, {
    dbSchema: db.schema,
    secretKey: TEST_SECRET_KEY,
    previousSecretKeys: [],
  });
  await app.sources.add({
    name: source,
    environmentId: '1',
    environmentType: 'test',
    baseUrl: sim.baseUrl,
    token,
  });
  const clients = new CachedAfasClients(
    afasConnector(app.sources, { requestTimeoutMs: REQUEST_TIMEOUT_MS, connections: 2 }),
  );
  const deps: ActivityDeps = {
    pool: db.pool,
    schema: db.schema,
    sources: app.sources,
    runs: app.runs,
    state: app.state,
    changedDays: app.changedDays,
    clients,
    logger: testLogger(),
    settings: {
      ...DEFAULT_ACTIVITY_SETTINGS,
      inlineRetry: { attempts: 3, baseDelayMs: 50, maxInlineWaitMs: 3_000 },
      retrySchedule: { lockedGiveUpMs: 120_000, lockedBaseDelayMs: 200 },
    },
  };
  const afas = new AfasClient({ environmentId: '1', environmentType: 'test', baseUrl: sim.baseUrl, token });
  const table = (name: string) => `${db.schema}.${name}`;
  const started = Date.now();

  const run = <T>(work: () => Promise<T>, attempt = 1) =>
    new MockActivityEnvironment({
      attempt,
      scheduledTimestampMs: started,
      startToCloseTimeoutMs: 120_000,
      scheduleToCloseTimeoutMs: 0,
      heartbeatTimeoutMs: 30_000,
    }).run<[], T, () => Promise<T>>(work);

  return {
    db,
    sim,
    control,
    source,
    activities: createPostEntryActivities(deps),
    run,
    async retried(work) {
      for (let attempt = 1; ; attempt++) {
        try {
          return { result: await run(work, attempt), attempts: attempt };
        } catch (error) {
          if (!(error instanceof ApplicationFailure) || error.nonRetryable || attempt >= 40) throw error;
          const delay = typeof error.nextRetryDelay === 'number' ? error.nextRetryDelay : 100;
          await sleep(Math.min(delay, 1_000));
        }
      }
    },
    async register(batch, entry, booking) {
      await db.pool.query(
        `INSERT INTO ${table('post_batches')} (source, batch_id, content_hash, origin, entries, lines, workflow_id)
         VALUES ($1, $2, 'test', 'file', 1, $3, $4) ON CONFLICT DO NOTHING`,
        [source, batch, entry.lines.length, `afas-post/${source}/${batch}`],
      );
      const position = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table('post_entries')} WHERE source = $1 AND batch_id = $2`,
        [source, batch],
      );
      await db.pool.query(
        `INSERT INTO ${table('post_entries')}
           (source, batch_id, key, position, administration, journal, year, period, entry_date, marker, entry)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          source,
          batch,
          entry.key,
          position.rows[0]?.n ?? 0,
          entry.administration,
          entry.journal,
          booking?.year ?? YEAR,
          booking?.period ?? periodOf(entry.date),
          entry.date,
          entryMarker(batch, entry.key),
          JSON.stringify(entry),
        ],
      );
      return { source, batch, key: entry.key };
    },
    async row(ref) {
      const { rows } = await db.pool.query<Record<string, unknown>>(
        `SELECT status, entry_no::int AS entry_no, attempted_at, message, profit_log_reference,
                reversal_entry_no::int AS reversal_entry_no, reversal_year, reversal_period, reversal_marker
           FROM ${table('post_entries')} WHERE source = $1 AND batch_id = $2 AND key = $3`,
        [ref.source, ref.batch, ref.key],
      );
      return rows[0] ?? {};
    },
    async steps(ref) {
      const { rows } = await db.pool.query<{ action: string; outcome: string }>(
        `SELECT action, outcome FROM ${table('post_steps')}
          WHERE source = $1 AND batch_id = $2 AND key = $3 ORDER BY step_id`,
        [ref.source, ref.batch, ref.key],
      );
      return rows.map((step) => [step.action, step.outcome]);
    },
    async linesMarked(marker) {
      const lines: TransactionLine[] = [];
      for await (const page of afas.pages('Profit_Transactions', {
        orderBy: MARKER_ORDER,
        filter: markerFilter(1, marker),
      }))
        lines.push(...(page.parse() as unknown as TransactionLine[]));
      return lines;
    },
    async postDirectly(ref, entry, booking) {
      const marker = entryMarker(ref.batch, ref.key);
      const answer = await afas.insert('FiEntries', entryEnvelope({ entry, ...booking, marker }));
      return Number(answer.results?.FiEntryPar?.EnNo);
    },
    async fiEntriesCalls() {
      const requests = await control.requests({ connector: 'FiEntries' });
      return requests.map(
        (request) => `${request.method} ${request.status}${request.fault ? ` ${request.fault}` : ''}`,
      );
    },
    async close() {
      await clients.close();
      await afas.close();
      await sim.close();
      await db.drop();
    },
  };
}
