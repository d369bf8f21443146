// A registered entry as FiEntries takes it (reference §6.3), and its reversing entry: header and
// line fields, exact decimal strings, the marker at the end of every line's description, the
// allocation axes as DiC1..DiC5.
import { describe, expect, it } from 'vitest';
import type { BatchEntry } from '../../src/write-back/batch-format.js';
import {
  allocationField,
  entryEnvelope,
  reversalEnvelope,
  type RegisteredEntry,
} from '../../src/write-back/fi-entries.js';
import { entryMarker, reversalMarker } from '../../src/write-back/marker.js';

const MARKER = entryMarker('accruals-2025-03', 'acc-001');

const batchEntry = (extra: Partial<BatchEntry> = {}): BatchEntry => ({
  key: 'acc-001',
  administration: 3,
  journal: '90',
  date: '2025-03-31',
  description: 'Accrual rent March',
  voucherNo: 'ACC-001',
  lines: [
    {
      account: '4000',
      kind: 'ledger',
      debit: '1250.10',
      credit: '0',
      vatCode: '1',
      allocations: [
        { axis: '2', code: 'KD01' },
        { axis: '1', code: '100' },
      ],
    },
    { account: '10001', kind: 'debtor', debit: '0.05', credit: '0', description: 'fee' },
    { account: '20001', kind: 'creditor', debit: '0', credit: '1250.15', description: 'rent' },
  ],
  ...extra,
});

const registered = (entry: BatchEntry = batchEntry()): RegisteredEntry => ({
  entry,
  year: 2025,
  period: 3,
  marker: MARKER,
});

interface WireLine {
  Fields: Record<string, unknown>;
  Objects?: { FiDimEntries: { Element: { Fields: Record<string, unknown> }[] } }[];
}
interface Wire {
  FiEntryPar: {
    Element: { Fields: Record<string, unknown>; Objects: { FiEntries: { Element: WireLine[] } }[] };
  };
}

const wire = (envelope: unknown) => envelope as Wire;
const linesOf = (envelope: unknown) => wire(envelope).FiEntryPar.Element.Objects[0]!.FiEntries.Element;

describe('entryEnvelope', () => {
  it('maps the header and every line field, amounts as the exact decimal strings', () => {
    const body = wire(entryEnvelope(registered()));
    expect(body.FiEntryPar.Element.Fields).toEqual({ Year: 2025, Peri: 3, UnId: 3, JoCo: '90' });
    expect(body.FiEntryPar.Element.Objects).toHaveLength(1);
    expect(linesOf(body).map((line) => line.Fields)).toEqual([
      {
        VaAs: '1',
        AcNr: '4000',
        EnDa: '2025-03-31',
        BpDa: '2025-03-31',
        BpNr: 'ACC-001',
        Ds: `Accrual rent March ${MARKER}`,
        AmDe: '1250.10',
        AmCr: '0',
        VaId: '1',
      },
      {
        VaAs: '2',
        AcNr: '10001',
        EnDa: '2025-03-31',
        BpDa: '2025-03-31',
        BpNr: 'ACC-001',
        Ds: `fee ${MARKER}`,
        AmDe: '0.05',
        AmCr: '0',
      },
      {
        VaAs: '3',
        AcNr: '20001',
        EnDa: '2025-03-31',
        BpDa: '2025-03-31',
        BpNr: 'ACC-001',
        Ds: `rent ${MARKER}`,
        AmDe: '0',
        AmCr: '1250.15',
      },
    ]);
  });

  it('puts the allocations in one FiDimEntries element, axis N as DiCN, with the line amounts', () => {
    const [allocated, plain] = linesOf(entryEnvelope(registered()));
    expect(allocated!.Objects).toEqual([
      { FiDimEntries: { Element: [{ Fields: { DiC2: 'KD01', DiC1: '100', AmDe: '1250.10', AmCr: '0' } }] } },
    ]);
    expect(plain!.Objects).toBeUndefined();
  });

  it('ends every line with the marker, also without any description, and leaves BpNr out without a voucher', () => {
    const entry = batchEntry({ description: undefined, voucherNo: undefined });
    const lines = linesOf(entryEnvelope(registered(entry)));
    expect(lines.map((line) => line.Fields.Ds)).toEqual([MARKER, `fee ${MARKER}`, `rent ${MARKER}`]);
    expect(lines.every((line) => !('BpNr' in line.Fields))).toBe(true);
  });
});

describe('reversalEnvelope', () => {
  it('swaps debit and credit (allocations too), books in the given period and date, under the reversal marker', () => {
    const marker = reversalMarker('accruals-2025-03', 'acc-001');
    const body = wire(reversalEnvelope(registered(), { year: 2025, period: 4, date: '2025-04-01', marker }));
    expect(body.FiEntryPar.Element.Fields).toEqual({ Year: 2025, Peri: 4, UnId: 3, JoCo: '90' });
    const lines = linesOf(body);
    expect(lines.map((line) => [line.Fields.AcNr, line.Fields.AmDe, line.Fields.AmCr])).toEqual([
      ['4000', '0', '1250.10'],
      ['10001', '0', '0.05'],
      ['20001', '1250.15', '0'],
    ]);
    expect(lines.map((line) => [line.Fields.EnDa, line.Fields.BpDa])).toEqual(
      Array.from({ length: 3 }, () => ['2025-04-01', '2025-04-01']),
    );
    expect(lines.map((line) => line.Fields.Ds)).toEqual([
      `Accrual rent March ${marker}`,
      `fee ${marker}`,
      `rent ${marker}`,
    ]);
    expect(marker).not.toBe(MARKER);
    expect(lines[0]!.Objects![0]!.FiDimEntries.Element[0]!.Fields).toEqual({
      DiC2: 'KD01',
      DiC1: '100',
      AmDe: '0',
      AmCr: '1250.10',
    });
  });
});

describe('allocationField', () => {
  it('maps axis numbers 1..5 to DiC1..DiC5 and nothing else', () => {
    expect(['1', '2', '3', '4', '5'].map(allocationField)).toEqual(['DiC1', 'DiC2', 'DiC3', 'DiC4', 'DiC5']);
    expect(['0', '6', '01', 'KPL', '', ' 1'].map(allocationField)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('refuses to build an envelope that would drop an allocation', () => {
    const entry = batchEntry();
    entry.lines[0] = { ...entry.lines[0]!, allocations: [{ axis: 'KPL', code: 'KP100' }] };
    expect(() => entryEnvelope(registered(entry))).toThrow('allocation axis "KPL" has no FiDimEntries field');
  });
});
