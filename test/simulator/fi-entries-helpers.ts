// Posting, deleting and finding FiEntries over real HTTP, for the write-back tests of the simulator.
import type { RunningSimulator } from '../../src/simulator/index.js';
import { authHeaders, getPage, http, qs, type HttpResult } from './helpers.js';

export type Fields = Record<string, unknown>;

/** A balanced two-line memorial entry (4300 against 1700) in administration 1, 2026 period 3. */
export function memorialEntry(options: {
  voucherNo?: string;
  description?: string;
  header?: Fields;
  line?: Fields;
}): unknown {
  const lineFields = (account: string, debit: number, credit: number): Fields => ({
    VaAs: '1',
    AcNr: account,
    EnDa: '2026-03-10',
    BpDa: '2026-03-10',
    AmDe: debit,
    AmCr: credit,
    ...(options.voucherNo === undefined ? {} : { BpNr: options.voucherNo }),
    ...(options.description === undefined ? {} : { Ds: options.description }),
    ...options.line,
  });
  return {
    FiEntryPar: {
      Element: {
        Fields: { Year: 2026, Peri: 3, UnId: 1, JoCo: '90', ...options.header },
        Objects: [
          {
            FiEntries: {
              Element: [{ Fields: lineFields('4300', 12.5, 0) }, { Fields: lineFields('1700', 0, 12.5) }],
            },
          },
        ],
      },
    },
  };
}

export function postEntry(sim: RunningSimulator, body: unknown, language?: string): Promise<HttpResult> {
  return http(`${sim.baseUrl}/connectors/FiEntries`, {
    method: 'POST',
    headers: { ...authHeaders('demo', language), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Posts and returns the entry number; throws when AFAS does not answer 201. */
export async function postEntryNo(sim: RunningSimulator, body: unknown): Promise<number> {
  const result = await postEntry(sim, body);
  if (result.status !== 201) throw new Error(`FiEntries POST → ${result.status}: ${result.text}`);
  return Number(
    (JSON.parse(result.text) as { results: { FiEntryPar: { EnNo: string } } }).results.FiEntryPar.EnNo,
  );
}

export function deleteEntry(
  sim: RunningSimulator,
  entryNo: number,
  unit = 1,
  journal = '90',
): Promise<HttpResult> {
  return http(
    `${sim.baseUrl}/connectors/FiEntries/FiEntryPar/UnId,JoCo/${unit},${journal}/FiEntries/@EnNo/${entryNo}`,
    {
      method: 'DELETE',
      headers: authHeaders(),
    },
  );
}

export interface TransactionRow {
  UnitId: number;
  EntryNo: number;
  SeqNo: number;
  VoucherNo: string | null;
  Description: string | null;
}

/** Profit_Transactions lines whose `field` equals `value` (operator 1), in key order. */
export async function linesWhere(
  sim: RunningSimulator,
  field: string,
  value: string | number,
): Promise<TransactionRow[]> {
  const query = qs({
    filterfieldids: field,
    filtervalues: value,
    operatortypes: 1,
    orderbyfieldids: 'UnitId,EntryNo,SeqNo',
    take: 1000,
  });
  return (await getPage<TransactionRow>(sim, `/connectors/Profit_Transactions${query}`)).rows;
}
