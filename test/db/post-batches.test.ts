// The write-back batch store on real PostgreSQL: a batch registers whole in one transaction, the
// same content attaches without writing, other content under the same id is refused, two racing
// registrations of one id leave one batch, and cancel and report read what the rows say.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostBatchStore, conflictMessage, type NewPostBatch } from '../../src/db/post-batches.js';
import { parseBatch } from '../../src/write-back/batch-format.js';
import { batchContentHash } from '../../src/write-back/content-hash.js';
import { entryMarker } from '../../src/write-back/marker.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const SOURCE = 'post-store';

const entry = (key: string, amount = '10.00') => ({
  key,
  administration: 1,
  journal: '90',
  date: '2025-03-31',
  lines: [
    { account: '4000', debit: amount, credit: '0', description: 'rent' },
    { account: '1600', debit: '0', credit: amount },
  ],
});

function newBatch(batch: string, ...entries: unknown[]): NewPostBatch {
  const parsed = parseBatch(JSON.stringify({ batch, entries }));
  expect(parsed.problems).toEqual([]);
  return {
    source: SOURCE,
    batch,
    origin: 'file',
    entries: parsed.entries.map((item, index) => ({ entry: item, year: 2025, period: 3 + index })),
    lines: parsed.entries.reduce((sum, item) => sum + item.lines.length, 0),
    workflowId: `afas-post/${SOURCE}/${batch}`,
  };
}

describe('PostBatchStore', () => {
  let db: TestDatabase;
  let store: PostBatchStore;
  const count = async (table: string, batch: string) =>
    Number(
      (
        await db.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM afas.${table} WHERE source = $1 AND batch_id = $2`,
          [SOURCE, batch],
        )
      ).rows[0]?.n,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostBatchStore(db.schema);
  });
  afterAll(() => db?.drop());

  it('registers the batch, every entry with its marker and period, and a register step', async () => {
    const registration = await store.register(db.pool, newBatch('store-a', entry('e1'), entry('e2', '5')));
    expect(registration.outcome).toBe('registered');
    expect(registration.record).toMatchObject({
      source: SOURCE,
      batch: 'store-a',
      status: 'posting',
      origin: 'file',
      entries: 2,
      lines: 4,
      workflowId: `afas-post/${SOURCE}/store-a`,
      cancelRequestedAt: null,
      endedAt: null,
    });
    expect(registration.record.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const report = await store.report(db.pool, SOURCE, 'store-a');
    expect(
      report?.entries.map((e) => [e.key, e.position, e.year, e.period, e.entryDate, e.marker, e.status]),
    ).toEqual([
      ['e1', 0, 2025, 3, '2025-03-31', entryMarker('store-a', 'e1'), 'pending'],
      ['e2', 1, 2025, 4, '2025-03-31', entryMarker('store-a', 'e2'), 'pending'],
    ]);
    expect(report?.steps.map((s) => [s.key, s.action, s.outcome])).toEqual([[null, 'register', 'ok']]);
    const stored = await db.pool.query<{ entry: unknown }>(
      `SELECT entry FROM afas.post_entries WHERE source = $1 AND batch_id = 'store-a' AND key = 'e2'`,
      [SOURCE],
    );
    expect(stored.rows[0]?.entry).toEqual(
      parseBatch(JSON.stringify({ batch: 'x', entries: [entry('e2', '5')] })).entries[0],
    );
  });

  it('attaches to the same content without writing, and refuses other content naming date and size', async () => {
    const again = await store.register(db.pool, newBatch('store-a', entry('e1', '10'), entry('e2', '5.00')));
    expect(again.outcome).toBe('attached');
    expect(await count('post_entries', 'store-a')).toBe(2);
    expect(await count('post_steps', 'store-a')).toBe(1);
    const other = await store.register(db.pool, newBatch('store-a', entry('e1', '11.00')));
    expect(other.outcome).toBe('conflict');
    expect(other.record.entries).toBe(2);
    expect(conflictMessage(other.record)).toMatch(
      new RegExp(
        `^batch store-a of source ${SOURCE} was registered on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC ` +
          'with other content \\(2 entries\\); give the new content another batch id$',
      ),
    );
    expect(await count('post_entries', 'store-a')).toBe(2);
  });

  it('lets one of many concurrent registrations of an id write, the others attach or conflict', async () => {
    const inputs = [
      ...Array.from({ length: 6 }, () => newBatch('store-race', entry('e1'))),
      newBatch('store-race', entry('e1', '99.00')),
    ];
    const outcomes = await Promise.all(inputs.map((input) => store.register(db.pool, input)));
    const registered = outcomes.filter((o) => o.outcome === 'registered');
    expect(registered).toHaveLength(1);
    expect(await count('post_batches', 'store-race')).toBe(1);
    expect(await count('post_steps', 'store-race')).toBe(1);
    // Whichever content won, every other registration compared its own content against it.
    const winner = registered[0]?.record.contentHash;
    outcomes.forEach((outcome, index) => {
      const own = batchContentHash(inputs[index]?.entries.map((resolved) => resolved.entry) ?? []);
      if (outcome.outcome !== 'registered')
        expect(outcome.outcome).toBe(own === winner ? 'attached' : 'conflict');
    });
    expect(outcomes.filter((o) => o.outcome === 'conflict').length).toBeGreaterThan(0);
  });

  it('records a cancel once (asked again: kept time, another step) and refuses one after the end', async () => {
    await store.register(db.pool, newBatch('store-cancel', entry('e1')));
    expect(await store.requestCancel(db.pool, SOURCE, 'nope')).toEqual({ outcome: 'unknown' });
    const first = await store.requestCancel(db.pool, SOURCE, 'store-cancel');
    expect(first.outcome).toBe('requested');
    const second = await store.requestCancel(db.pool, SOURCE, 'store-cancel');
    expect(second).toMatchObject({ outcome: 'requested', again: true });
    if (first.outcome !== 'requested' || second.outcome !== 'requested') throw new Error('not requested');
    expect(first.record.cancelRequestedAt).toBeInstanceOf(Date);
    expect(second.record.cancelRequestedAt).toEqual(first.record.cancelRequestedAt);
    const steps = (await store.report(db.pool, SOURCE, 'store-cancel'))?.steps ?? [];
    expect(steps.map((s) => [s.action, s.outcome])).toEqual([
      ['register', 'ok'],
      ['cancel', 'requested'],
      ['cancel', 'requested_again'],
    ]);
    for (const [status, ended] of [
      ['posted_unconfirmed', false],
      ['compensated', true],
    ] as const) {
      await db.pool.query(
        `UPDATE afas.post_batches SET status = $3, ended_at = CASE WHEN $4 THEN now() END
          WHERE source = $1 AND batch_id = $2`,
        [SOURCE, 'store-cancel', status, ended],
      );
      expect(await store.requestCancel(db.pool, SOURCE, 'store-cancel')).toMatchObject({
        outcome: 'ended',
        record: { status },
      });
    }
    expect(await count('post_steps', 'store-cancel')).toBe(3);
  });

  it('reports entry numbers, reversals, AFAS messages and steps in order; lists latest first', async () => {
    await db.pool.query(
      `UPDATE afas.post_entries SET status = 'reversed', entry_no = 9000000001, reversal_entry_no = 9000000002,
              message = 'Periode is geblokkeerd', profit_log_reference = 'ref-1'
        WHERE source = $1 AND batch_id = 'store-a' AND key = 'e2'`,
      [SOURCE],
    );
    await db.pool.query(
      `INSERT INTO afas.post_steps (source, batch_id, key, action, outcome, entry_no, http_status, message)
       VALUES ($1, 'store-a', 'e2', 'delete', 'refused', 9000000001, 500, 'Periode is geblokkeerd')`,
      [SOURCE],
    );
    const report = await store.report(db.pool, SOURCE, 'store-a');
    expect(report?.entries[1]).toMatchObject({
      key: 'e2',
      status: 'reversed',
      entryNo: 9000000001,
      reversalEntryNo: 9000000002,
      message: 'Periode is geblokkeerd',
      profitLogReference: 'ref-1',
    });
    expect(report?.steps.map((s) => [s.key, s.action, s.outcome, s.entryNo, s.httpStatus])).toEqual([
      [null, 'register', 'ok', null, null],
      ['e2', 'delete', 'refused', 9000000001, 500],
    ]);
    expect(await store.report(db.pool, SOURCE, 'nope')).toBeUndefined();
    expect((await store.list(db.pool, SOURCE)).map((b) => b.batch)).toEqual([
      'store-cancel',
      'store-race',
      'store-a',
    ]);
    expect((await store.list(db.pool, SOURCE, 1)).map((b) => b.batch)).toEqual(['store-cancel']);
  });
});
