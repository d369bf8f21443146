import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { control, getPage, qs } from './helpers.js';

let sim: RunningSimulator;
let startupMs: number;

beforeAll(async () => {
  const started = performance.now();
  sim = await startSimulator({
    control: true,
    administrations: 2,
    years: [2024, 2025],
    linesPerYear: 250_000,
  });
  startupMs = performance.now() - started;
});

afterAll(async () => {
  await sim.close();
});

describe('one million journal lines', () => {
  it('generates them and serves 8,000-row pages of a partition', async () => {
    const health = await control<{ journalLines: number }>(sim, 'GET', '/health');
    expect(health.body.journalLines).toBe(1_000_000);
    const query = (skip: number): string =>
      `/connectors/Profit_Transactions${qs({
        filterfieldids: 'UnitId,Year',
        filtervalues: '2,2025',
        operatortypes: '1,1',
        orderbyfieldids: 'UnitId,EntryNo,SeqNo',
        skip,
        take: 8_000,
      })}`;
    const first = await getPage<{ UnitId: number; Year: number; EntryNo: number }>(sim, query(0));
    expect(first.rows).toHaveLength(8_000);
    expect(first.rows.every((row) => row.UnitId === 2 && row.Year === 2025)).toBe(true);
    await control(sim, 'DELETE', '/requests');
    const later = await getPage<{ EntryNo: number }>(sim, query(240_000));
    expect(later.rows).toHaveLength(8_000);
    expect(later.rows[0]!.EntryNo).toBeGreaterThan(first.rows[7_999]!.EntryNo);
    const log = await control<{ entries: { rows: number; durationMs: number }[] }>(sim, 'GET', '/requests');
    expect(log.body.entries[0]?.rows).toBe(8_000);
    console.info(
      `1M lines: startup ${Math.round(startupMs)} ms; cached 8,000-row page served in ${log.body.entries[0]?.durationMs} ms (server side)`,
    );
  });
});
