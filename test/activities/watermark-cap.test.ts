import { describe, expect, it } from 'vitest';
import { pageOfRows } from '../../src/afas/page-body.js';
import { responseDateMs } from '../../src/afas/http.js';
import {
  capWall,
  FutureStamps,
  isBeyondCap,
  MAX_LISTED_FUTURE_STAMPS,
  ModifiedWatch,
  nextWatermark,
  WATERMARK_CLOCK_SKEW_MINUTES,
  watermarkCapMs,
} from '../../src/activities/sync/watermark-cap.js';
import { watermarkWarnings } from '../../src/activities/sync/watermark-warnings.js';

const MINUTE = 60_000;
const OVERLAP = 120;
/** 2026-07-01 10:00:00 UTC = 12:00 in Amsterdam (CEST, +02:00). */
const SUMMER_MS = Date.UTC(2026, 6, 1, 10, 0, 0);
/** 2026-01-15 10:00:00 UTC = 11:00 in Amsterdam (CET, +01:00). */
const WINTER_MS = Date.UTC(2026, 0, 15, 10, 0, 0);

describe('the Date header of an AFAS answer', () => {
  it('is read as an instant (UTC), and missing or garbled is null', () => {
    expect(responseDateMs({ date: 'Wed, 01 Jul 2026 10:00:00 GMT' })).toBe(SUMMER_MS);
    expect(responseDateMs({})).toBeNull();
    expect(responseDateMs({ date: '' })).toBeNull();
    expect(responseDateMs({ date: 'yesterday, around noon' })).toBeNull();
    expect(responseDateMs({ date: 'Wed, 01 Jul 2026 25:61:00 GMT' })).toBeNull();
  });
});

describe('the watermark cap', () => {
  it("is AFAS's clock plus the skew, as Amsterdam wall time (summer: UTC+2)", () => {
    const cap = watermarkCapMs(SUMMER_MS, SUMMER_MS + 3 * 3_600_000, OVERLAP);
    expect(cap).toBe(SUMMER_MS + WATERMARK_CLOCK_SKEW_MINUTES * MINUTE);
    expect(capWall(cap)).toBe('2026-07-01T12:05:00');
  });

  it('in winter the wall time is UTC+1', () => {
    expect(capWall(watermarkCapMs(WINTER_MS, 0, OVERLAP))).toBe('2026-01-15T11:05:00');
  });

  it("falls back to the worker's clock when AFAS sent no readable Date", () => {
    const workerNow = WINTER_MS + 42 * MINUTE;
    expect(watermarkCapMs(responseDateMs({}), workerNow, OVERLAP)).toBe(workerNow + 5 * MINUTE);
    expect(watermarkCapMs(responseDateMs({ date: 'garbage' }), workerNow, OVERLAP)).toBe(
      workerNow + 5 * MINUTE,
    );
  });

  it('never leads by more than the overlap: the next read must still reach what changed after this one', () => {
    expect(watermarkCapMs(SUMMER_MS, 0, 2)).toBe(SUMMER_MS + 2 * MINUTE);
    expect(watermarkCapMs(SUMMER_MS, 0, 0)).toBe(SUMMER_MS);
  });

  it('compares AFAS wall times as instants: a stamp within the skew is not beyond, one past it is', () => {
    const cap = watermarkCapMs(SUMMER_MS, 0, OVERLAP);
    expect(isBeyondCap('2026-07-01T12:04:59Z', cap)).toBe(false);
    expect(isBeyondCap('2026-07-01T12:05:00Z', cap)).toBe(false);
    expect(isBeyondCap('2026-07-01T12:05:01Z', cap)).toBe(true);
    // Read as UTC (the fake Z) the stamp would lie two hours earlier and pass.
    expect(isBeyondCap('2026-07-01T13:00:00Z', cap)).toBe(true);
    expect(isBeyondCap('2099-01-01T00:00:00Z', cap)).toBe(true);
  });

  it('text that is no wall time is beyond: it must never become a watermark', () => {
    const cap = watermarkCapMs(SUMMER_MS, 0, OVERLAP);
    expect(isBeyondCap('2026-13-45T99:00:00', cap)).toBe(true);
    expect(isBeyondCap('not a date at all, no', cap)).toBe(true);
  });

  it('DST, autumn: a stamp of the first (summer) 02:30 is not beyond a cap in the repeated hour', () => {
    // 2026-10-25 01:10 UTC = 02:10 CET, the second 02:00–02:59 of that night.
    const cap = watermarkCapMs(Date.UTC(2026, 9, 25, 1, 10, 0), 0, OVERLAP);
    expect(capWall(cap)).toBe('2026-10-25T02:15:00');
    // 02:30 happened first at 00:30 UTC (CEST): the past, not the future.
    expect(isBeyondCap('2026-10-25T02:30:00Z', cap)).toBe(false);
    expect(isBeyondCap('2026-10-25T03:00:00Z', cap)).toBe(true);
  });

  it('DST, spring: the cap crosses the skipped hour correctly', () => {
    // 2026-03-29 00:58 UTC = 01:58 CET; five minutes later it is 03:03 CEST.
    const cap = watermarkCapMs(Date.UTC(2026, 2, 29, 0, 58, 0), 0, OVERLAP);
    expect(capWall(cap)).toBe('2026-03-29T03:03:00');
    expect(isBeyondCap('2026-03-29T03:02:00Z', cap)).toBe(false);
    expect(isBeyondCap('2026-03-29T03:04:00Z', cap)).toBe(true);
  });
});

describe('nextWatermark', () => {
  const cap = watermarkCapMs(SUMMER_MS, 0, OVERLAP); // 2026-07-01T12:05:00 wall

  it('moves to the newest stamp read when it lies within the cap', () => {
    expect(nextWatermark('2026-07-01T09:00:00', '2026-07-01T11:59:00', cap)).toEqual({
      watermark: '2026-07-01T11:59:00',
      capped: false,
      reset: false,
      cap: '2026-07-01T12:05:00',
    });
  });

  it('stops at the cap when the newest stamp lies in the future', () => {
    expect(nextWatermark('2026-07-01T09:00:00', '2099-01-01T00:00:00', cap)).toMatchObject({
      watermark: '2026-07-01T12:05:00',
      capped: true,
      reset: false,
    });
    expect(nextWatermark(null, '2099-01-01T00:00:00', cap).watermark).toBe('2026-07-01T12:05:00');
  });

  it('never moves back because of an older stamp, and keeps the previous one when nothing was read', () => {
    expect(nextWatermark('2026-07-01T11:00:00', '2026-07-01T10:00:00', cap).watermark).toBe(
      '2026-07-01T11:00:00',
    );
    expect(nextWatermark('2026-07-01T11:00:00', null, cap).watermark).toBe('2026-07-01T11:00:00');
    expect(nextWatermark(null, null, cap).watermark).toBeNull();
  });

  it('resets a stored watermark beyond the cap to null (a full read next), whatever was read', () => {
    expect(nextWatermark('2099-01-01T00:00:00', '2099-01-01T00:00:00', cap)).toMatchObject({
      watermark: null,
      reset: true,
    });
    expect(nextWatermark('2026-07-01T12:06:00', '2026-07-01T11:00:00', cap)).toMatchObject({
      watermark: null,
      reset: true,
    });
  });
});

describe('future stamps of a read', () => {
  const rows = [
    { DebtorId: 1, ModifiedDate: '2026-07-01T11:00:00Z' },
    { DebtorId: 2, ModifiedDate: '2099-01-01T00:00:00Z' },
    { DebtorId: 3, ModifiedDate: null },
    { DebtorId: 4, ModifiedDate: '2026-07-01T12:30:00Z' },
  ];

  it('names the rows beyond the clock of the answer that carried them, and follows the latest Date', () => {
    const watch = new ModifiedWatch('ModifiedDate', ['DebtorId'], OVERLAP, () => 0);
    watch.page({ ...pageOfRows(rows), responseDateMs: SUMMER_MS });
    watch.page({ ...pageOfRows([]), responseDateMs: null });
    expect(watch.newest).toBe('2099-01-01T00:00:00');
    expect(watch.afasClockMs).toBe(SUMMER_MS);
    expect(watch.future.listed).toEqual([
      { key: 'DebtorId=2', modified: '2099-01-01T00:00:00' },
      { key: 'DebtorId=4', modified: '2026-07-01T12:30:00' },
    ]);
    expect(capWall(watch.capMs())).toBe('2026-07-01T12:05:00');
  });

  it("without a Date header the worker's clock judges", () => {
    const watch = new ModifiedWatch('ModifiedDate', ['DebtorId'], OVERLAP, () =>
      Date.UTC(2026, 6, 1, 11, 0, 0),
    );
    watch.page({ ...pageOfRows(rows), responseDateMs: null });
    // The worker says 13:00 Amsterdam: only the 2099 stamp is beyond 13:05.
    expect(watch.future.listed.map((stamp) => stamp.key)).toEqual(['DebtorId=2']);
  });

  it('lists at most the limit and counts the rest; each becomes a warning', () => {
    const future = new FutureStamps();
    for (let id = 0; id < MAX_LISTED_FUTURE_STAMPS + 3; id++)
      future.add({ key: `DebtorId=${id}`, modified: '2099-01-01T00:00:00' });
    expect(future.listed).toHaveLength(MAX_LISTED_FUTURE_STAMPS);
    expect(future.count).toBe(MAX_LISTED_FUTURE_STAMPS + 3);
    const scope = { source: 's', runId: 'r', dataset: 'debtors', administration: 0, field: 'ModifiedDate' };
    const warnings = watermarkWarnings(scope, { cap: '2026-07-01T12:05:00' }, null, future);
    expect(warnings).toHaveLength(MAX_LISTED_FUTURE_STAMPS + 1);
    expect(warnings[0]).toMatchObject({
      dataset: 'debtors',
      kind: 'future-modified',
      rowKey: 'DebtorId=0',
      value: '2099-01-01T00:00:00',
    });
    expect(warnings[0]?.message).toContain('2026-07-01T12:05:00');
    expect(warnings.at(-1)?.message).toMatch(/^3 more row/);
  });

  it('a reset is a warning naming the frozen watermark', () => {
    const scope = { source: 's', runId: 'r', dataset: 'journal_lines', administration: 0, field: 'Modified' };
    const warnings = watermarkWarnings(
      scope,
      { cap: '2026-07-01T12:05:00' },
      '2099-01-01T00:00:00',
      new FutureStamps(),
    );
    expect(warnings).toEqual([
      expect.objectContaining({ kind: 'watermark-reset', rowKey: '', value: '2099-01-01T00:00:00' }),
    ]);
  });
});
