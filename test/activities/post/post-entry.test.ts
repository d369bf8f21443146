// postEntry against the simulator over HTTP and real PostgreSQL: every entry lands in AFAS exactly
// once — through a locked booking layout, lost answers (reset, time-out) and a worker that died
// between the POST and recording the entry number — and AFAS's refusals fail it for good, with
// AFAS's message and log reference kept.
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../../src/temporal/failure-types.js';
import { entryMarker } from '../../../src/write-back/marker.js';
import {
  accrual,
  line,
  REQUEST_TIMEOUT_MS,
  startPostFixture,
  YEAR,
  type PostFixture,
} from './post-fixture.js';

const TOKEN = 'B05E0123456789ABCDEFB05E0123456789ABCDEFB05E0123456789ABCDEF0123';
const SOURCE = 'post-afas-post';

describe('postEntry', () => {
  let fx: PostFixture;
  beforeAll(async () => {
    fx = await startPostFixture(SOURCE, TOKEN);
  });
  afterAll(() => fx?.close());
  beforeEach(async () => {
    await fx.control.call('DELETE', 'booking-lock');
    await fx.control.clearFaults();
    await fx.control.clearRequests();
  });

  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  it('posts the entry with the marker on every line, records its number, and never posts it again', async () => {
    const ref = await fx.register(
      'post-afas-plain',
      accrual('acc-1', `${YEAR}-03-31`, { voucherNo: 'ACC-1' }),
    );
    const posted = await fx.run(() => fx.activities.postEntry(ref));
    expect(posted.found).toBe(false);
    const lines = await fx.linesMarked(entryMarker(ref.batch, ref.key));
    expect(
      lines.map((l) => [l.EntryNo, l.SeqNo, l.Year, l.Period, l.AccountNo, l.AmtDebit, l.AmtCredit]),
    ).toEqual([
      [posted.entryNo, 1, YEAR, 3, '4000', 1250.1, 0],
      [posted.entryNo, 2, YEAR, 3, '1700', 0, 1250.1],
    ]);
    const marker = entryMarker(ref.batch, ref.key);
    expect(lines.map((l) => l.Description)).toEqual([`Accrual acc-1 ${marker}`, `to pay ${marker}`]);
    expect(await fx.row(ref)).toMatchObject({ status: 'posted', entry_no: posted.entryNo });

    expect(await fx.run(() => fx.activities.postEntry(ref))).toEqual({
      entryNo: posted.entryNo,
      found: false,
    });
    expect(await fx.fiEntriesCalls()).toEqual(['POST 201']);
    expect(await fx.steps(ref)).toEqual([['post', 'ok']]);
  });

  it('waits out a booking layout locked for 10 s, retried as Temporal would, and posts the entry once', async () => {
    const ref = await fx.register('post-afas-locked', accrual('acc-1', `${YEAR}-04-30`));
    await fx.control.call('POST', 'booking-lock', { seconds: 10 });
    const started = Date.now();
    const { result, attempts } = await fx.retried(() => fx.activities.postEntry(ref));
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    expect(attempts).toBeGreaterThan(1);
    expect(result.found).toBe(false);
    const calls = await fx.fiEntriesCalls();
    expect(calls.filter((call) => call === 'POST 201')).toHaveLength(1);
    expect(calls.at(-1)).toBe('POST 201');
    expect(calls.slice(0, -1).every((call) => call === 'POST 500 layout-lock')).toBe(true);
    const lines = await fx.linesMarked(entryMarker(ref.batch, ref.key));
    expect(new Set(lines.map((l) => l.EntryNo))).toEqual(new Set([result.entryNo]));
    const steps = await fx.steps(ref);
    expect(steps.filter(([action, outcome]) => action === 'post' && outcome === 'locked').length).toBe(
      calls.length - 1,
    );
    // Every attempt after the first looked the entry up before posting (its earlier attempt was recorded).
    expect(steps.filter(([action]) => action === 'lookup')).toHaveLength(attempts - 1);
    expect(await fx.row(ref)).toMatchObject({ status: 'posted', entry_no: result.entryNo });
  }, 60_000);

  for (const fault of [
    { kind: 'ambiguous-reset' },
    { kind: 'ambiguous-timeout', delayMs: REQUEST_TIMEOUT_MS + 2_500 },
  ]) {
    it(`finds the entry by its marker after ${fault.kind} instead of posting it again`, async () => {
      const ref = await fx.register(`post-afas-${fault.kind}`, accrual('acc-1', `${YEAR}-05-31`));
      await fx.control.fault({ ...fault, connector: 'FiEntries', count: 1 });
      const result = await fx.run(() => fx.activities.postEntry(ref));
      expect(result.found).toBe(true);
      const lines = await fx.linesMarked(entryMarker(ref.batch, ref.key));
      expect(lines.map((l) => l.EntryNo)).toEqual([result.entryNo, result.entryNo]);
      expect((await fx.fiEntriesCalls()).filter((call) => call.startsWith('POST'))).toHaveLength(1);
      expect(await fx.steps(ref)).toEqual([
        ['post', 'ambiguous'],
        ['lookup', 'found'],
      ]);
      expect(await fx.row(ref)).toMatchObject({ status: 'posted', entry_no: result.entryNo });
    }, 30_000);
  }

  it('records an entry an earlier attempt booked (worker killed before recording) without posting it', async () => {
    const entry = accrual('acc-1', `${YEAR}-06-30`);
    const ref = await fx.register('post-afas-killed', entry);
    // The earlier attempt: marked, then posted, then the worker died before recording EnNo.
    await fx.db.pool.query(
      `UPDATE ${fx.db.schema}.post_entries SET attempted_at = now() WHERE source = $1 AND batch_id = $2`,
      [ref.source, ref.batch],
    );
    const entryNo = await fx.postDirectly(ref, entry, { year: YEAR, period: 6 });
    await fx.control.clearRequests();

    expect(await fx.run(() => fx.activities.postEntry(ref))).toEqual({ entryNo, found: true });
    expect(await fx.fiEntriesCalls()).toEqual([]);
    expect(new Set((await fx.linesMarked(entryMarker(ref.batch, ref.key))).map((l) => l.EntryNo))).toEqual(
      new Set([entryNo]),
    );
    expect(await fx.row(ref)).toMatchObject({ status: 'posted', entry_no: entryNo });
    expect(await fx.steps(ref)).toEqual([['lookup', 'found']]);
  });

  it('refuses to choose when AFAS holds two entries with the marker', async () => {
    const entry = accrual('acc-1', `${YEAR}-06-30`);
    const ref = await fx.register('post-afas-twice', entry);
    await fx.db.pool.query(
      `UPDATE ${fx.db.schema}.post_entries SET attempted_at = now() WHERE source = $1 AND batch_id = $2`,
      [ref.source, ref.batch],
    );
    const first = await fx.postDirectly(ref, entry, { year: YEAR, period: 6 });
    const second = await fx.postDirectly(ref, entry, { year: YEAR, period: 6 });
    await fx.control.clearRequests();
    const failure = await failureOf(fx.run(() => fx.activities.postEntry(ref)));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FailureType.PostEntryDuplicated, nonRetryable: true });
    expect((failure as Error).message).toContain(`entry numbers ${first}, ${second}`);
    expect(await fx.fiEntriesCalls()).toEqual([]);
    expect(await fx.row(ref)).toMatchObject({ status: 'pending', entry_no: null });
  });

  it("fails for good on AFAS's refusal (an unknown account), keeping its message and log reference", async () => {
    const entry = accrual('acc-1', `${YEAR}-07-31`, {
      lines: [
        line('4000', '10.00', '0', { allocations: [{ axis: '1', code: '100' }] }),
        line('9876', '0', '10.00'),
      ],
    });
    const ref = await fx.register('post-afas-refused', entry);
    const failure = await failureOf(fx.run(() => fx.activities.postEntry(ref)));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FailureType.AfasFunctional, nonRetryable: true });
    const message = (failure as Error).message;
    expect(message).toMatch(/Rekeningnummer/);
    const row = await fx.row(ref);
    expect(row).toMatchObject({ status: 'failed', entry_no: null, message });
    expect(row.profit_log_reference).toMatch(/^[0-9A-F]{32}$/);
    expect(await fx.steps(ref)).toEqual([['post', 'refused']]);
    // Asked again, it fails the same way without posting.
    await fx.control.clearRequests();
    expect(await failureOf(fx.run(() => fx.activities.postEntry(ref)))).toMatchObject({
      type: FailureType.AfasFunctional,
      nonRetryable: true,
      message,
    });
    expect(await fx.fiEntriesCalls()).toEqual([]);
  });

  it('fails for good when the period was blocked after the batch was checked', async () => {
    const ref = await fx.register('post-afas-blocked', accrual('acc-1', `${YEAR}-08-29`));
    await fx.control.call('POST', 'blocked-periods', { unitId: 1, year: YEAR, period: 8 });
    try {
      const failure = await failureOf(fx.run(() => fx.activities.postEntry(ref)));
      expect(failure).toMatchObject({ type: FailureType.AfasFunctional, nonRetryable: true });
      expect((failure as Error).message).toMatch(/periode 8 van jaar 2025 geblokkeerd/);
      const row = await fx.row(ref);
      expect(row).toMatchObject({ status: 'failed', entry_no: null });
      expect(row.profit_log_reference).toMatch(/^[0-9A-F]{32}$/);
      expect(await fx.linesMarked(entryMarker(ref.batch, ref.key))).toEqual([]);
    } finally {
      await fx.control.call('POST', 'blocked-periods', { unitId: 1, year: YEAR, period: 8, blocked: false });
    }
  });
});
