import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningSimulator } from '../../src/simulator/index.js';
import {
  authHeaders,
  getPage,
  http,
  profitError,
  qs,
  startSmallSimulator,
  type HttpResult,
} from './helpers.js';

interface Line {
  UnitId: number;
  EntryNo: number;
  SeqNo: number;
  Year: number;
  Period: number;
  JournalId: string;
  AccountNo: string;
  AmtDebit: number;
  AmtCredit: number;
  EntryDate: string;
  InvoiceId: string | null;
  VoucherDate: string;
  VoucherNo: string | null;
  VatCode: string | null;
  VatAmt: number | null;
  Description: string | null;
  Created: string;
  Modified: string;
}

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSmallSimulator();
});

afterAll(async () => {
  await sim.close();
});

function send(
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  language?: string,
): Promise<HttpResult> {
  return http(`${sim.baseUrl}${path}`, {
    method,
    headers: { ...authHeaders('demo', language), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

type LineFields = Record<string, unknown>;

function entry(
  lines: LineFields[],
  header: Record<string, unknown> = {},
  dims?: Record<number, LineFields[]>,
): unknown {
  return {
    FiEntryPar: {
      Element: {
        Fields: { Year: 2026, Peri: 3, UnId: 1, JoCo: '90', ...header },
        Objects: [
          {
            FiEntries: {
              Element: lines.map((fields, index) => ({
                Fields: { VaAs: '1', EnDa: '2026-03-10', BpDa: '2026-03-10', ...fields },
                ...(dims?.[index] === undefined
                  ? {}
                  : { Objects: [{ FiDimEntries: { Element: dims[index].map((d) => ({ Fields: d })) } }] }),
              })),
            },
          },
        ],
      },
    },
  };
}

const balanced = (description: string): LineFields[] => [
  { AcNr: '4300', AmDe: 121.5, AmCr: 0, Ds: description },
  { AcNr: '1700', AmDe: 0, AmCr: '121.50', Ds: description },
];

async function linesOf(unit: number, entryNo: number): Promise<Line[]> {
  const query = qs({
    filterfieldids: 'UnitId,EntryNo',
    filtervalues: `${unit},${entryNo}`,
    operatortypes: '1,1',
    orderbyfieldids: 'SeqNo',
  });
  return (await getPage<Line>(sim, `/connectors/Profit_Transactions${query}`)).rows;
}

async function expectError(result: HttpResult, nl: string): Promise<void> {
  expect(result.status, result.text).toBe(500);
  expect(profitError(result).externalMessage).toBe(nl);
  await Promise.resolve();
}

describe('FiEntries POST', () => {
  it('books a balanced entry and answers 201 with the results wrapper', async () => {
    const result = await send('POST', '/connectors/FiEntries', entry(balanced('POSTED')));
    expect(result.status).toBe(201);
    const body = JSON.parse(result.text) as {
      results: { FiEntryPar: { UnId: string; EnNo: string; InId: string } };
    };
    expect(body.results.FiEntryPar.UnId).toBe('1');
    expect(body.results.FiEntryPar.EnNo).toMatch(/^\d+$/);
    expect(body.results.FiEntryPar.InId).toBe('');

    const lines = await linesOf(1, Number(body.results.FiEntryPar.EnNo));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      SeqNo: 1,
      Year: 2026,
      Period: 3,
      JournalId: '90',
      AccountNo: '4300',
      AmtDebit: 121.5,
      AmtCredit: 0,
      EntryDate: '2026-03-10T00:00:00Z',
      VoucherDate: '2026-03-10T00:00:00Z',
      Description: 'POSTED',
    });
    expect(lines[0]?.Created).toBe(lines[0]?.Modified);
    expect(lines[0]!.Modified > '2026-01-01').toBe(true);

    const changed = await getPage<{ EntryDate: string; Modified: string }>(
      sim,
      `/connectors/Profit_Fin_ChangedEntrydate${qs({ filterfieldids: 'EntryDate', filtervalues: '2026-03-10', operatortypes: 1 })}`,
    );
    expect(changed.rows).toEqual([{ EntryDate: '2026-03-10T00:00:00Z', Modified: lines[0]?.Modified }]);
  });

  it('returns invoice numbers, auto-numbered with AuNu', async () => {
    const sale = entry(
      [
        { VaAs: '2', AcNr: '10001', AmDe: 121, InId: 'V999' },
        { VaAs: '1', AcNr: '8000', AmCr: 100, VaId: '1' },
        { VaAs: '1', AcNr: '1510', AmCr: 21 },
      ],
      { JoCo: '70' },
    );
    const given = JSON.parse((await send('POST', '/connectors/FiEntries', sale)).text) as {
      results: { FiEntryPar: { InId: string; EnNo: string } };
    };
    expect(given.results.FiEntryPar.InId).toBe('V999');
    const lines = await linesOf(1, Number(given.results.FiEntryPar.EnNo));
    expect(lines[1]).toMatchObject({ VatCode: '1', VatAmt: 21 });

    const auto = entry(
      [
        { VaAs: '3', AcNr: '20001', AmCr: 50 },
        { VaAs: '1', AcNr: '4300', AmDe: 50 },
      ],
      { JoCo: '60', AuNu: true },
    );
    const numbered = JSON.parse((await send('POST', '/connectors/FiEntries', auto)).text) as {
      results: { FiEntryPar: { InId: string } };
    };
    expect(numbered.results.FiEntryPar.InId).toMatch(/^V\d{7}$/);
  });

  it('accepts Element arrays, Objects as an object, and several entries at once', async () => {
    const element = (description: string): unknown => ({
      Fields: { Year: '2026', Peri: '4', UnId: '2', JoCo: '90' },
      Objects: {
        FiEntries: {
          Element: balanced(description).map((fields) => ({
            Fields: { VaAs: 1, EnDa: '2026-04-02', BpDa: '2026-04-02', ...fields },
          })),
        },
      },
    });
    const result = await send('POST', '/connectors/FiEntries', {
      FiEntryPar: { Element: [element('MULTI-A'), element('MULTI-B')] },
    });
    expect(result.status).toBe(201);
    const body = JSON.parse(result.text) as { results: { FiEntryPar: { UnId: string; EnNo: string }[] } };
    expect(body.results.FiEntryPar).toHaveLength(2);
    const [a, b] = body.results.FiEntryPar;
    expect(Number(b?.EnNo)).toBe(Number(a?.EnNo) + 1);
    expect((await linesOf(2, Number(b?.EnNo)))[0]?.Description).toBe('MULTI-B');
  });

  it('rejects an unbalanced entry', async () => {
    const result = await send(
      'POST',
      '/connectors/FiEntries',
      entry([
        { AcNr: '4300', AmDe: 10 },
        { AcNr: '1700', AmCr: 9.99 },
      ]),
    );
    await expectError(result, 'General message: De journaalpost is niet in balans (debet 10, credit 9.99).');
  });

  it('checks that accounts, debtors and creditors exist', async () => {
    for (const kind of ['1', '2', '3']) {
      const result = await send(
        'POST',
        '/connectors/FiEntries',
        entry([
          { VaAs: kind, AcNr: '99999', AmDe: 1 },
          { AcNr: '1700', AmCr: 1 },
        ]),
      );
      await expectError(result, "De ingevulde waarde bij 'Rekeningnummer' bestaat niet.");
      expect(profitError(result).errorNumber).toBe(-2147220469);
    }
    const english = await send(
      'POST',
      '/connectors/FiEntries',
      entry([
        { AcNr: '99999', AmDe: 1 },
        { AcNr: '1700', AmCr: 1 },
      ]),
      'en-us',
    );
    expect(profitError(english).externalMessage).toBe(
      "The entered value for 'Account Number' does not exist.",
    );
  });

  it('refuses blocked periods', async () => {
    const header = await send(
      'POST',
      '/connectors/FiEntries',
      entry(balanced('OLD'), { Year: 2024, Peri: 8 }),
    );
    await expectError(header, 'Voor deze administratie is periode 8 van jaar 2024 geblokkeerd.');
    const english = await send(
      'POST',
      '/connectors/FiEntries',
      entry(balanced('OLD'), { Year: 2024, Peri: 8 }),
      'en-us',
    );
    expect(profitError(english).externalMessage).toBe(
      'For this administration, period 8 of the year 2024 is blocked.',
    );
    const lineDate = await send(
      'POST',
      '/connectors/FiEntries',
      entry(balanced('OLD').map((fields) => ({ ...fields, EnDa: '2024-11-01' }))),
    );
    await expectError(lineDate, "Datum '1-11-2024' valt in een geblokkeerde periode");
  });

  it('requires allocation codes when the account demands them', async () => {
    const missing = await send(
      'POST',
      '/connectors/FiEntries',
      entry([
        { AcNr: '4000', AmDe: 5 },
        { AcNr: '1700', AmCr: 5 },
      ]),
    );
    await expectError(
      missing,
      "Code verbijzondering voor as 'Kostenplaats' moet gevuld worden voor rekening 4000",
    );
    const english = await send(
      'POST',
      '/connectors/FiEntries',
      entry([
        { AcNr: '4000', AmDe: 5 },
        { AcNr: '1700', AmCr: 5 },
      ]),
      'en-us',
    );
    expect(profitError(english).externalMessage).toBe(
      "Allocation code for axis 'Cost center' must be filled for account 4000",
    );

    const ok = await send(
      'POST',
      '/connectors/FiEntries',
      entry(
        [
          { AcNr: '4000', AmDe: 5 },
          { AcNr: '1700', AmCr: 5 },
        ],
        {},
        { 0: [{ DiC1: '200', AmDe: 5 }] },
      ),
    );
    expect(ok.status, ok.text).toBe(201);

    const unassigned = await send(
      'POST',
      '/connectors/FiEntries',
      entry(
        [
          { AcNr: '8074', AmCr: 5 },
          { AcNr: '1300', AmDe: 5 },
        ],
        {},
        { 0: [{ DiC1: '500', AmCr: 5 }] },
      ),
      'en-us',
    );
    expect(profitError(unassigned).externalMessage).toBe(
      "General message: There is no assignment for cost center '500' with account '8074' or the assignment is blocked.",
    );
  });

  it('refuses VAT on accounts that do not allow it', async () => {
    const result = await send(
      'POST',
      '/connectors/FiEntries',
      entry([
        { AcNr: '1700', AmDe: 5, VaId: '1' },
        { AcNr: '1100', AmCr: 5 },
      ]),
      'en-us',
    );
    expect(profitError(result).externalMessage).toBe('(AfasFiEntry)Vat is not allowed for account 1700.');
  });

  it('names missing mandatory fields', async () => {
    const noAccount = await send(
      'POST',
      '/connectors/FiEntries',
      entry([{ AmDe: 5 }, { AcNr: '1700', AmCr: 5 }]),
    );
    await expectError(noAccount, "Vul een waarde in bij 'Rekeningnummer'.");
    const noJournal = await send(
      'POST',
      '/connectors/FiEntries',
      entry(balanced('X'), { JoCo: '' }),
      'en-us',
    );
    expect(profitError(noJournal).externalMessage).toBe("Enter a value for 'Journal'.");
    const unknownJournal = await send('POST', '/connectors/FiEntries', entry(balanced('X'), { JoCo: '77' }));
    await expectError(unknownJournal, "De ingevulde waarde bij 'Dagboek' bestaat niet.");
    const noLines = await send('POST', '/connectors/FiEntries', {
      FiEntryPar: { Element: { Fields: { Year: 2026, Peri: 3, UnId: 1, JoCo: '90' } } },
    });
    expect(noLines.status).toBe(500);
  });

  it('answers {"message":"Invalid json"} for an unparsable body', async () => {
    const result = await send('POST', '/connectors/FiEntries', '{"FiEntryPar":');
    expect(result.status).toBe(400);
    expect(JSON.parse(result.text)).toEqual({ message: 'Invalid json' });
  });

  it('treats a GetConnector id as an unsupported UpdateConnector', async () => {
    const result = await send('POST', '/connectors/Profit_Transactions', entry(balanced('X')), 'en-us');
    expect(result.status).toBe(401);
    expect(profitError(result).externalMessage).toContain('UpdateConnector is not supported');
  });
});

describe('FiEntries PUT and DELETE', () => {
  async function post(
    description: string,
    header: Record<string, unknown> = {},
    lines = balanced(description),
  ): Promise<number> {
    const result = await send('POST', '/connectors/FiEntries', entry(lines, header));
    expect(result.status, result.text).toBe(201);
    return Number(
      (JSON.parse(result.text) as { results: { FiEntryPar: { EnNo: string } } }).results.FiEntryPar.EnNo,
    );
  }

  it('replaces an entry with PUT (identified by EnNo)', async () => {
    const entryNo = await post('BEFORE');
    const replacement = entry(
      [
        { AcNr: '4300', AmDe: 7 },
        { AcNr: '4200', AmDe: 3 },
        { AcNr: '1700', AmCr: 10, Ds: 'AFTER' },
      ],
      { EnNo: entryNo },
    );
    const result = await send('PUT', '/connectors/FiEntries', replacement);
    expect(result.status, result.text).toBe(201);
    const lines = await linesOf(1, entryNo);
    expect(lines.map((l) => l.AccountNo)).toEqual(['4300', '4200', '1700']);
    const missing = await send('PUT', '/connectors/FiEntries', entry(balanced('X'), { EnNo: 999_999 }));
    await expectError(missing, "De ingevulde waarde bij 'Nummer journaalpost' bestaat niet.");
  });

  it('deletes an entry by entry number, with or without @', async () => {
    const first = await post('DEL-1');
    const second = await post('DEL-2');
    const withAt = await send(
      'DELETE',
      `/connectors/FiEntries/FiEntryPar/UnId,JoCo/1,90/FiEntries/@EnNo/${first}`,
    );
    expect(withAt.status).toBe(200);
    expect(withAt.text).toBe('');
    expect(await linesOf(1, first)).toEqual([]);
    const withoutAt = await send(
      'DELETE',
      `/connectors/FiEntries/FiEntryPar/@UnId,@JoCo/1,90/FiEntries/EnNo/${second}`,
    );
    expect(withoutAt.status).toBe(200);
    expect(await linesOf(1, second)).toEqual([]);
    const again = await send(
      'DELETE',
      `/connectors/FiEntries/FiEntryPar/UnId,JoCo/1,90/FiEntries/@EnNo/${second}`,
    );
    await expectError(again, "De ingevulde waarde bij 'Nummer journaalpost' bestaat niet.");
    const wrongJournal = await post('DEL-3');
    const mismatch = await send(
      'DELETE',
      `/connectors/FiEntries/FiEntryPar/UnId,JoCo/1,70/FiEntries/@EnNo/${wrongJournal}`,
    );
    expect(mismatch.status).toBe(500);
  });

  it('deletes by invoice number and records the deletion as a changed booking day', async () => {
    const entryNo = await post('DEL-INV', { JoCo: '70' }, [
      { VaAs: '2', AcNr: '10002', AmDe: 10, InId: 'DEL-INV-1', EnDa: '2026-03-20' },
      { VaAs: '1', AcNr: '8010', AmCr: 10, InId: 'DEL-INV-1', EnDa: '2026-03-20' },
    ]);
    const before = await getPage<{ Modified: string }>(
      sim,
      `/connectors/Profit_Fin_ChangedEntrydate${qs({ filterfieldids: 'EntryDate', filtervalues: '2026-03-20', operatortypes: 1 })}`,
    );
    const result = await send(
      'DELETE',
      '/connectors/FiEntries/FiEntryPar/UnId,JoCo/1,70/FiEntries/InId/DEL-INV-1',
    );
    expect(result.status).toBe(200);
    expect(await linesOf(1, entryNo)).toEqual([]);
    const after = await getPage<{ Modified: string }>(
      sim,
      `/connectors/Profit_Fin_ChangedEntrydate${qs({ filterfieldids: 'EntryDate', filtervalues: '2026-03-20', operatortypes: 1 })}`,
    );
    expect(after.rows).toHaveLength(1);
    expect(after.rows[0]!.Modified >= before.rows[0]!.Modified).toBe(true);
  });

  it('answers 500 for key paths it does not understand', async () => {
    const result = await send('DELETE', '/connectors/FiEntries/FiEntryPar/@Year/2026');
    expect(result.status).toBe(500);
  });
});
