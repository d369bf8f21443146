// compensateEntry against the simulator over HTTP and real PostgreSQL: a posted entry is deleted
// by number; where AFAS refuses because its period was blocked meanwhile, a reversing entry is
// booked in the first open period after it — once, however often compensation runs, also after a
// worker died between posting the reversal and recording it. An entry that never reached AFAS is
// left alone.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { entryMarker, reversalMarker } from '../../../src/write-back/marker.js';
import { accrual, startPostFixture, YEAR, type PostFixture } from './post-fixture.js';

const TOKEN = 'C0AB0123456789ABCDEFC0AB0123456789ABCDEFC0AB0123456789ABCDEF0123';
const SOURCE = 'post-afas-compensate';

describe('compensateEntry', () => {
  let fx: PostFixture;
  beforeAll(async () => {
    fx = await startPostFixture(SOURCE, TOKEN);
  });
  afterAll(() => fx?.close());
  beforeEach(async () => {
    await fx.control.clearFaults();
    await fx.control.clearRequests();
  });

  const block = (period: number, blocked = true) =>
    fx.control.call('POST', 'blocked-periods', { unitId: 1, year: YEAR, period, blocked });

  it('deletes a posted entry by its number: AFAS is as before, and running it again changes nothing', async () => {
    const ref = await fx.register('post-afas-delete', accrual('acc-1', `${YEAR}-03-31`));
    const { entryNo } = await fx.run(() => fx.activities.postEntry(ref));
    const marker = entryMarker(ref.batch, ref.key);
    expect(await fx.linesMarked(marker)).toHaveLength(2);
    await fx.control.clearRequests();

    const first = await fx.run(() => fx.activities.compensateEntry(ref));
    expect(first).toEqual({ outcome: 'deleted', entryNo, reversalEntryNo: null, message: null });
    expect(await fx.linesMarked(marker)).toEqual([]);
    expect(await fx.fiEntriesCalls()).toEqual(['DELETE 200']);
    expect(await fx.row(ref)).toMatchObject({ status: 'deleted', entry_no: entryNo });

    expect(await fx.run(() => fx.activities.compensateEntry(ref))).toMatchObject({
      outcome: 'deleted',
      entryNo,
    });
    expect(await fx.fiEntriesCalls()).toEqual(['DELETE 200']);
    expect(await fx.steps(ref)).toEqual([
      ['post', 'ok'],
      ['delete', 'ok'],
    ]);
  });

  it('counts a delete whose answer was lost as done once the entry is gone', async () => {
    const ref = await fx.register('post-afas-delete-reset', accrual('acc-1', `${YEAR}-03-31`));
    const { entryNo } = await fx.run(() => fx.activities.postEntry(ref));
    await fx.control.fault({ kind: 'ambiguous-reset', connector: 'FiEntries', count: 1 });
    expect(await fx.run(() => fx.activities.compensateEntry(ref))).toMatchObject({
      outcome: 'deleted',
      entryNo,
    });
    expect(await fx.linesMarked(entryMarker(ref.batch, ref.key))).toEqual([]);
    expect((await fx.steps(ref)).slice(1)).toEqual([
      ['delete', 'ambiguous'],
      ['lookup', 'not_found'],
    ]);
  });

  it('reverses an entry whose period was blocked after posting, in the first open period, exactly once', async () => {
    const ref = await fx.register('post-afas-reverse', accrual('acc-1', `${YEAR}-05-20`));
    const { entryNo } = await fx.run(() => fx.activities.postEntry(ref));
    // Period 6 is blocked too: the first open period after 5 is 7.
    await block(5);
    await block(6);
    try {
      await fx.control.clearRequests();
      const result = await fx.run(() => fx.activities.compensateEntry(ref));
      expect(result.outcome).toBe('reversed');
      expect(result.entryNo).toBe(entryNo);
      expect(result.message).toMatch(/periode 5 van jaar 2025 geblokkeerd/);
      const reversalNo = result.reversalEntryNo;
      expect(reversalNo).not.toBeNull();
      expect(reversalNo).not.toBe(entryNo);

      // The original stands; beside it the reversal, debit and credit swapped, on 1 July.
      const original = await fx.linesMarked(entryMarker(ref.batch, ref.key));
      expect(original.map((l) => [l.EntryNo, l.Period, l.AccountNo, l.AmtDebit, l.AmtCredit])).toEqual([
        [entryNo, 5, '4000', 1250.1, 0],
        [entryNo, 5, '1700', 0, 1250.1],
      ]);
      const marker = reversalMarker(ref.batch, ref.key);
      const reversal = await fx.linesMarked(marker);
      expect(
        reversal.map((l) => [
          l.EntryNo,
          l.Year,
          l.Period,
          l.EntryDate.slice(0, 10),
          l.AccountNo,
          l.AmtDebit,
          l.AmtCredit,
        ]),
      ).toEqual([
        [reversalNo, YEAR, 7, `${YEAR}-07-01`, '4000', 0, 1250.1],
        [reversalNo, YEAR, 7, `${YEAR}-07-01`, '1700', 1250.1, 0],
      ]);
      expect(reversal.map((l) => l.Description)).toEqual([`Accrual acc-1 ${marker}`, `to pay ${marker}`]);
      expect(await fx.fiEntriesCalls()).toEqual(['DELETE 500', 'POST 201']);
      const row = await fx.row(ref);
      expect(row).toMatchObject({
        status: 'reversed',
        entry_no: entryNo,
        reversal_entry_no: reversalNo,
        reversal_year: YEAR,
        reversal_period: 7,
        reversal_marker: marker,
      });
      expect(row.profit_log_reference).toMatch(/^[0-9A-F]{32}$/);

      // Run again: nothing more happens in AFAS.
      expect(await fx.run(() => fx.activities.compensateEntry(ref))).toEqual(result);
      expect(await fx.fiEntriesCalls()).toEqual(['DELETE 500', 'POST 201']);

      // The worker died after posting the reversal, before recording it: the next run finds it.
      await fx.db.pool.query(
        `UPDATE ${fx.db.schema}.post_entries SET status = 'posted', reversal_entry_no = NULL
          WHERE source = $1 AND batch_id = $2`,
        [ref.source, ref.batch],
      );
      expect(await fx.run(() => fx.activities.compensateEntry(ref))).toEqual(result);
      expect(await fx.fiEntriesCalls()).toEqual(['DELETE 500', 'POST 201']);
      expect(new Set((await fx.linesMarked(marker)).map((l) => l.EntryNo))).toEqual(new Set([reversalNo]));
      expect(await fx.row(ref)).toMatchObject({ status: 'reversed', reversal_entry_no: reversalNo });
      expect((await fx.steps(ref)).slice(1)).toEqual([
        ['delete', 'refused'],
        ['lookup', 'found'],
        ['reverse', 'ok'],
        ['lookup', 'found'],
      ]);
    } finally {
      await block(5, false);
      await block(6, false);
    }
  });

  it('reverses in its own period when AFAS refuses the delete but that period is open', async () => {
    // Booked in period 9, dated in period 10: blocking 10 refuses the delete ("Datum … valt in een
    // geblokkeerde periode") while period 9 stays open. The reversal goes into 9, on its first
    // day: a line dated in period 10 would be refused too.
    const ref = await fx.register('post-afas-reverse-own', accrual('acc-1', `${YEAR}-10-01`), {
      year: YEAR,
      period: 9,
    });
    const { entryNo } = await fx.run(() => fx.activities.postEntry(ref));
    await block(10);
    try {
      const result = await fx.run(() => fx.activities.compensateEntry(ref));
      expect(result).toMatchObject({ outcome: 'reversed', entryNo });
      expect(result.message).toMatch(/Datum '1-10-2025' valt in een geblokkeerde periode/);
      const reversal = await fx.linesMarked(reversalMarker(ref.batch, ref.key));
      expect(reversal.map((l) => [l.EntryNo, l.Period, l.EntryDate.slice(0, 10)])).toEqual([
        [result.reversalEntryNo, 9, `${YEAR}-09-01`],
        [result.reversalEntryNo, 9, `${YEAR}-09-01`],
      ]);
      expect(await fx.row(ref)).toMatchObject({
        status: 'reversed',
        reversal_year: YEAR,
        reversal_period: 9,
      });
    } finally {
      await block(10, false);
    }
  });

  it('reports a reversal AFAS refuses too as failed, and keeps its message', async () => {
    const ref = await fx.register('post-afas-reverse-refused', accrual('acc-1', `${YEAR}-11-20`));
    const { entryNo } = await fx.run(() => fx.activities.postEntry(ref));
    await block(11);
    await block(12);
    try {
      const result = await fx.run(() => fx.activities.compensateEntry(ref));
      expect(result).toMatchObject({ outcome: 'failed', entryNo, reversalEntryNo: null });
      expect(result.message).toMatch(/no open period from 2025-11 on/);
      expect(await fx.row(ref)).toMatchObject({ status: 'compensation_failed', message: result.message });
      expect(await fx.linesMarked(entryMarker(ref.batch, ref.key))).toHaveLength(2);
    } finally {
      await block(11, false);
      await block(12, false);
    }
  });

  it('leaves an entry that never reached AFAS alone: not_posted, no DELETE', async () => {
    const never = await fx.register('post-afas-never', accrual('acc-1', `${YEAR}-03-31`));
    expect(await fx.run(() => fx.activities.compensateEntry(never))).toEqual({
      outcome: 'not_posted',
      entryNo: null,
      reversalEntryNo: null,
      message: null,
    });
    // Sent, answer lost, not in AFAS: looked up, then left alone as well.
    const lost = await fx.register('post-afas-never', accrual('acc-2', `${YEAR}-03-31`));
    await fx.db.pool.query(
      `UPDATE ${fx.db.schema}.post_entries SET attempted_at = now() WHERE source = $1 AND batch_id = $2 AND key = $3`,
      [lost.source, lost.batch, lost.key],
    );
    expect(await fx.run(() => fx.activities.compensateEntry(lost))).toMatchObject({ outcome: 'not_posted' });
    expect(await fx.fiEntriesCalls()).toEqual([]);
    expect(await fx.steps(never)).toEqual([['delete', 'not_posted']]);
    expect(await fx.steps(lost)).toEqual([
      ['lookup', 'not_found'],
      ['delete', 'not_posted'],
    ]);
  });
});
