// Periods blocked in the middle of a batch (/__sim/blocked-periods): posting into them and
// deleting or replacing entries in them fail with AFAS's functional error; the periods connector shows it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSimulator } from '../../src/simulator/index.js';
import { deleteEntry, linesWhere, memorialEntry, postEntry, postEntryNo } from './fi-entries-helpers.js';
import { authHeaders, control, getPage, http, profitError, qs, startSmallSimulator } from './helpers.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSmallSimulator();
});

afterEach(async () => {
  for (const period of [3, 4]) {
    await control(sim, 'POST', '/blocked-periods', { unitId: 1, year: 2026, period, blocked: false });
  }
});

afterAll(async () => {
  await sim.close();
});

const BLOCKED_NL = 'Voor deze administratie is periode 3 van jaar 2026 geblokkeerd.';

function block(period: number, blocked = true): Promise<{ status: number; body: unknown }> {
  return control(sim, 'POST', '/blocked-periods', { unitId: 1, year: 2026, period, blocked });
}

async function periodRow(unit: number, period: number): Promise<{ Blocked: boolean }> {
  const query = qs({
    filterfieldids: 'Unit,Year,Period',
    filtervalues: `${unit},2026,${period}`,
    operatortypes: '1,1,1',
  });
  const page = await getPage<{ Blocked: boolean }>(
    sim,
    `/connectors/Profit_periods_per_administration${query}`,
  );
  expect(page.rows).toHaveLength(1);
  return page.rows[0]!;
}

describe('a period blocked mid-batch', () => {
  it('refuses posting into it and deleting an entry in it, until it is unblocked', async () => {
    const posted = await postEntryNo(sim, memorialEntry({ voucherNo: 'BLK-1' }));
    expect((await periodRow(1, 3)).Blocked).toBe(false);
    expect((await block(3)).body).toEqual({ unitId: 1, year: 2026, period: 3, blocked: true });
    expect((await periodRow(1, 3)).Blocked).toBe(true);
    expect((await periodRow(2, 3)).Blocked).toBe(false);

    const post = await postEntry(sim, memorialEntry({ voucherNo: 'BLK-2' }));
    expect(post.status).toBe(500);
    expect(profitError(post).externalMessage).toBe(BLOCKED_NL);
    const removal = await deleteEntry(sim, posted);
    expect(removal.status).toBe(500);
    expect(profitError(removal).externalMessage).toBe(BLOCKED_NL);
    expect(profitError(removal).profitLogReference).toMatch(/^[0-9A-F]{32}$/);
    const english = await http(
      `${sim.baseUrl}/connectors/FiEntries/FiEntryPar/UnId,JoCo/1,90/FiEntries/@EnNo/${posted}`,
      { method: 'DELETE', headers: authHeaders('demo', 'en-us') },
    );
    expect(profitError(english).externalMessage).toBe(
      'For this administration, period 3 of the year 2026 is blocked.',
    );
    expect(await linesWhere(sim, 'VoucherNo', 'BLK-1')).toHaveLength(2);
    expect(await linesWhere(sim, 'VoucherNo', 'BLK-2')).toEqual([]);
    // Only that administration's period: administration 2 still takes entries in March.
    expect((await postEntry(sim, memorialEntry({ header: { UnId: 2 } }))).status).toBe(201);

    expect((await block(3, false)).body).toMatchObject({ blocked: false });
    expect((await periodRow(1, 3)).Blocked).toBe(false);
    expect((await deleteEntry(sim, posted)).status).toBe(200);
    expect(await linesWhere(sim, 'VoucherNo', 'BLK-1')).toEqual([]);
  });

  it('refuses deleting an entry one of whose booking dates lies in a blocked period', async () => {
    // Booked in period 4, one line dated in March (period 3).
    const posted = await postEntryNo(
      sim,
      memorialEntry({ header: { Peri: 4 }, line: { EnDa: '2026-03-31' } }),
    );
    await block(3);
    const removal = await deleteEntry(sim, posted);
    expect(removal.status).toBe(500);
    expect(profitError(removal).externalMessage).toBe("Datum '31-3-2026' valt in een geblokkeerde periode");
    await block(3, false);
    expect((await deleteEntry(sim, posted)).status).toBe(200);
  });

  it('refuses replacing (PUT) an entry whose period is blocked', async () => {
    const posted = await postEntryNo(sim, memorialEntry({ voucherNo: 'BLK-PUT' }));
    await block(3);
    const replacement = await http(`${sim.baseUrl}/connectors/FiEntries`, {
      method: 'PUT',
      headers: { ...authHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify(
        memorialEntry({ header: { Peri: 4, EnNo: posted }, line: { EnDa: '2026-04-02' } }),
      ),
    });
    expect(replacement.status).toBe(500);
    expect(profitError(replacement).externalMessage).toBe(BLOCKED_NL);
    expect(await linesWhere(sim, 'VoucherNo', 'BLK-PUT')).toHaveLength(2);
  });

  it('lists blocked periods and answers 404 for a period that does not exist', async () => {
    await block(4);
    const listed = await control<{ periods: { unitId: number; year: number; period: number }[] }>(
      sim,
      'GET',
      '/blocked-periods',
    );
    expect(listed.body.periods).toContainEqual({ unitId: 1, year: 2026, period: 4 });
    expect(listed.body.periods).not.toContainEqual({ unitId: 1, year: 2026, period: 3 });
    expect(
      (await control(sim, 'POST', '/blocked-periods', { unitId: 1, year: 2026, period: 13 })).status,
    ).toBe(404);
    expect((await control(sim, 'POST', '/blocked-periods', { unitId: 1, year: 2026 })).status).toBe(400);
  });
});
