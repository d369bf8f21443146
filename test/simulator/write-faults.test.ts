// The write-back saga's hard cases on FiEntries: a booking layout locked for a while, and
// ambiguous outcomes (the entry is booked, the answer is lost or comes after the client gave up).
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSimulator } from '../../src/simulator/index.js';
import { deleteEntry, linesWhere, memorialEntry, postEntry, postEntryNo } from './fi-entries-helpers.js';
import { afasGet, authHeaders, control, profitError, startSmallSimulator } from './helpers.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSmallSimulator();
});

afterEach(async () => {
  await control(sim, 'DELETE', '/booking-lock');
  await control(sim, 'DELETE', '/faults');
});

afterAll(async () => {
  await sim.close();
});

interface LockState {
  locked: boolean;
  lockedUntil: string | null;
  remainingMs: number;
  refused: number;
}

const LOCKED_NL = 'De boekingslay-out is geblokkeerd door een andere gebruiker. Probeer het later opnieuw.';
const LOCKED_EN = 'The booking layout is locked by another user. Please try again later.';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** POSTs a FiEntries body with undici directly, so a test can give the client a time-out. */
async function rawPost(body: unknown, headersTimeout?: number): Promise<{ status: number; text: string }> {
  const response = await request(`${sim.baseUrl}/connectors/FiEntries`, {
    method: 'POST',
    headers: { ...authHeaders(), 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(headersTimeout === undefined ? {} : { headersTimeout }),
  });
  return { status: response.statusCode, text: await response.body.text() };
}

describe('a booking layout locked for N seconds (/__sim/booking-lock)', () => {
  it('refuses every FiEntries write with AFAS lock 500 until the time is up, then books', async () => {
    const existing = await postEntryNo(sim, memorialEntry({ voucherNo: 'LOCK-OLD' }));
    const before = (await control<LockState>(sim, 'GET', '/booking-lock')).body;
    const lock = await control<LockState>(sim, 'POST', '/booking-lock', { seconds: 1.2 });
    expect(lock.status).toBe(200);
    expect(lock.body.locked).toBe(true);
    expect(lock.body.remainingMs).toBeGreaterThan(1_000);
    expect(lock.body.remainingMs).toBeLessThanOrEqual(1_200);

    const post = await postEntry(sim, memorialEntry({ voucherNo: 'LOCK-NEW' }));
    expect(post.status).toBe(500);
    const body = profitError(post);
    expect(Object.keys(body).sort()).toEqual(['errorNumber', 'externalMessage', 'profitLogReference']);
    expect(body.externalMessage).toBe(LOCKED_NL);
    expect(body.profitLogReference).toMatch(/^[0-9A-F]{32}$/);
    expect(Buffer.from(String(post.headers['x-profit-error']), 'base64').toString()).toBe(LOCKED_NL);
    const english = await postEntry(sim, memorialEntry({ voucherNo: 'LOCK-NEW' }), 'en-us');
    expect(profitError(english).externalMessage).toBe(LOCKED_EN);
    const removal = await deleteEntry(sim, existing);
    expect(removal.status).toBe(500);
    expect(profitError(removal).externalMessage).toBe(LOCKED_NL);

    // Nothing changed in AFAS, and reading is not locked.
    expect(await linesWhere(sim, 'VoucherNo', 'LOCK-NEW')).toEqual([]);
    expect(await linesWhere(sim, 'VoucherNo', 'LOCK-OLD')).toHaveLength(2);
    const state = (await control<LockState>(sim, 'GET', '/booking-lock')).body;
    expect(state.refused - before.refused).toBe(3);

    await sleep(state.remainingMs + 50);
    expect((await control<LockState>(sim, 'GET', '/booking-lock')).body).toMatchObject({
      locked: false,
      lockedUntil: null,
    });
    expect((await postEntry(sim, memorialEntry({ voucherNo: 'LOCK-NEW' }))).status).toBe(201);
    expect((await deleteEntry(sim, existing)).status).toBe(200);
  });

  it('is logged as a layout-lock fault, can be freed early, and validates its input', async () => {
    await control(sim, 'DELETE', '/requests');
    await control(sim, 'POST', '/booking-lock', { seconds: 60 });
    expect((await postEntry(sim, memorialEntry({}))).status).toBe(500);
    const log = await control<{ entries: { fault: string | null; connector: string }[] }>(
      sim,
      'GET',
      '/requests?connector=FiEntries',
    );
    expect(log.body.entries.map((entry) => entry.fault)).toEqual(['layout-lock']);
    expect((await control<{ released: boolean }>(sim, 'DELETE', '/booking-lock')).body.released).toBe(true);
    expect((await postEntry(sim, memorialEntry({}))).status).toBe(201);
    expect((await control(sim, 'POST', '/booking-lock', { seconds: 0 })).status).toBe(400);
    expect((await control(sim, 'POST', '/booking-lock', {})).status).toBe(400);
    expect((await control(sim, 'PATCH', '/booking-lock')).status).toBe(405);
  });

  it('does not lock GetConnectors', async () => {
    await control(sim, 'POST', '/booking-lock', { seconds: 60 });
    expect((await afasGet(sim, '/connectors/Profit_Accounts?take=1')).status).toBe(200);
  });
});

describe('ambiguous faults (the call is applied, its answer lost)', () => {
  it('ambiguous-reset books the entry, then drops the connection without an answer', async () => {
    await control(sim, 'POST', '/faults', { kind: 'ambiguous-reset', connector: 'FiEntries', count: 1 });
    await expect(rawPost(memorialEntry({ voucherNo: 'AMB-RESET' }))).rejects.toThrow();
    const booked = await linesWhere(sim, 'VoucherNo', 'AMB-RESET');
    expect(booked).toHaveLength(2);
    // Counted: the next call answers normally.
    const second = await postEntryNo(sim, memorialEntry({ voucherNo: 'AMB-RESET-2' }));
    expect(second).toBeGreaterThan(booked[0]!.EntryNo);
  });

  it('ambiguous-reset on a DELETE deletes the entry and drops the answer', async () => {
    const entryNo = await postEntryNo(sim, memorialEntry({ voucherNo: 'AMB-DEL' }));
    await control(sim, 'POST', '/faults', { kind: 'ambiguous-reset', connector: 'FiEntries', count: 1 });
    await expect(deleteEntry(sim, entryNo)).rejects.toThrow();
    expect(await linesWhere(sim, 'EntryNo', entryNo)).toEqual([]);
  });

  it('ambiguous-timeout books the entry at once and answers only after delayMs', async () => {
    await control(sim, 'POST', '/faults', {
      kind: 'ambiguous-timeout',
      connector: 'FiEntries',
      count: 2,
      delayMs: 1_500,
    });
    const started = performance.now();
    // A client with a 300 ms time-out gives up; the entry is there long before AFAS would answer.
    await expect(rawPost(memorialEntry({ voucherNo: 'AMB-LATE' }), 300)).rejects.toThrow();
    expect(await linesWhere(sim, 'VoucherNo', 'AMB-LATE')).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(1_500);
    // A patient client gets the 201, but not before the delay.
    const patient = await rawPost(memorialEntry({ voucherNo: 'AMB-LATE-2' }));
    expect(patient.status).toBe(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_450);
    const log = await control<{ faults: unknown[] }>(sim, 'GET', '/faults');
    expect(log.body.faults).toEqual([]);
  });
});
