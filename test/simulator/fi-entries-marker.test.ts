// Finding an entry posted through FiEntries by a marker field (the write-back saga's look-up after
// an ambiguous outcome): an 'equals' filter on Profit_Transactions VoucherNo or Description.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSimulator } from '../../src/simulator/index.js';
import {
  deleteEntry,
  linesWhere,
  memorialEntry,
  postEntryNo,
  type TransactionRow,
} from './fi-entries-helpers.js';
import { getPage, qs, startSmallSimulator } from './helpers.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSmallSimulator();
});

afterAll(async () => {
  await sim.close();
});

describe('looking up a posted entry by a marker', () => {
  it('finds it by VoucherNo equals, right after posting, and no longer after deleting', async () => {
    const marker = 'WB-7Q2X-acc-001';
    // The first query builds the store's caches and indexes; a post must not be hidden by them.
    expect(await linesWhere(sim, 'VoucherNo', marker)).toEqual([]);
    const entryNo = await postEntryNo(sim, memorialEntry({ voucherNo: marker }));
    await postEntryNo(sim, memorialEntry({ voucherNo: `${marker}0` }));
    const found = await linesWhere(sim, 'VoucherNo', marker);
    expect(found.map((line) => [line.UnitId, line.EntryNo, line.SeqNo, line.VoucherNo])).toEqual([
      [1, entryNo, 1, marker],
      [1, entryNo, 2, marker],
    ]);
    expect((await deleteEntry(sim, entryNo)).status).toBe(200);
    expect(await linesWhere(sim, 'VoucherNo', marker)).toEqual([]);
  });

  it('finds it by Description equals, also combined with the administration', async () => {
    const marker = 'Accrual rent March [afas-sync accruals-2025-03/acc-001]';
    expect(await linesWhere(sim, 'Description', marker)).toEqual([]);
    const entryNo = await postEntryNo(sim, memorialEntry({ description: marker }));
    await postEntryNo(sim, memorialEntry({ description: `${marker} (copy)`, header: { UnId: 2 } }));
    expect((await linesWhere(sim, 'Description', marker)).map((line) => line.EntryNo)).toEqual([
      entryNo,
      entryNo,
    ]);
    const query = qs({
      filterfieldids: 'UnitId,Description',
      filtervalues: `1,${marker}`,
      operatortypes: '1,1',
      orderbyfieldids: 'SeqNo',
    });
    const page = await getPage<TransactionRow>(sim, `/connectors/Profit_Transactions${query}`);
    expect(page.rows.map((line) => [line.EntryNo, line.Description])).toEqual([
      [entryNo, marker],
      [entryNo, marker],
    ]);
  });

  it('carries a marker holding , and ; in a filterjson (the list form splits on them)', async () => {
    const marker = 'WB;batch,1';
    const entryNo = await postEntryNo(sim, memorialEntry({ voucherNo: marker }));
    const filterjson = JSON.stringify({
      Filters: {
        Filter: {
          '@FilterId': 'Filter1',
          Field: { '@FieldId': 'VoucherNo', '@OperatorType': '1', '#text': marker },
        },
      },
    });
    const page = await getPage<TransactionRow>(
      sim,
      `/connectors/Profit_Transactions${qs({ filterjson, orderbyfieldids: 'SeqNo' })}`,
    );
    expect(page.rows.map((line) => line.EntryNo)).toEqual([entryNo, entryNo]);
  });

  it('compares case-insensitively, as Profit does: markers must differ in more than case', async () => {
    const entryNo = await postEntryNo(sim, memorialEntry({ voucherNo: 'WB-CaseMark' }));
    expect((await linesWhere(sim, 'VoucherNo', 'wb-casemark')).map((line) => line.EntryNo)).toEqual([
      entryNo,
      entryNo,
    ]);
  });
});
