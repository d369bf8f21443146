import { describe, expect, it } from 'vitest';
import { compareDataset } from '../../tools/soak/verify.js';

const fields = [
  { id: 'VatCode', dataType: 'string' as const },
  { id: 'VatPerc', dataType: 'decimal' as const },
];
const afasRows = [
  { VatCode: '1', VatPerc: 21 },
  { VatCode: '2', VatPerc: 9 },
];
const stored = (rows: { VatCode: string; VatPerc: number | string }[]) =>
  rows.map((row) => ({
    ...row,
    VatPerc: String(row.VatPerc),
    _raw: { VatCode: row.VatCode, VatPerc: Number(row.VatPerc) },
  }));

const compare = (actual: Record<string, unknown>[]) =>
  compareDataset({ name: 'vat_codes', connectorId: 'Profit_VAT_code', fields, expected: afasRows, actual });

describe('compareDataset', () => {
  it('passes equal tables, whatever the decimal notation in the typed column', () => {
    const result = compare(
      stored([
        { VatCode: '2', VatPerc: '9.00' },
        { VatCode: '1', VatPerc: 21 },
      ]),
    );
    expect(result).toMatchObject({ rows: 2, mismatches: [] });
  });

  it('names a changed raw value, a missing row, a row gone from AFAS and a typed difference', () => {
    expect(
      compare(
        stored([
          { VatCode: '1', VatPerc: 21 },
          { VatCode: '2', VatPerc: 10 },
        ]),
      ).mismatches,
    ).toEqual([
      'vat_codes row ["2"]: stored {"VatCode":"2","VatPerc":10}, AFAS {"VatCode":"2","VatPerc":9}',
      expect.stringMatching(/^vat_codes: typed-column checksum [0-9a-f]{64} ≠ AFAS [0-9a-f]{64}$/),
    ]);
    expect(
      compare(
        stored([
          { VatCode: '1', VatPerc: 21 },
          { VatCode: '3', VatPerc: 9 },
        ]),
      ).mismatches,
    ).toEqual([
      'vat_codes row ["2"]: missing',
      'vat_codes row ["3"]: stored but gone from AFAS',
      expect.stringMatching(/typed-column checksum/),
    ]);
    const typedOnly: Record<string, unknown>[] = stored(afasRows);
    typedOnly[0] = { ...typedOnly[0], VatPerc: '21.5' };
    expect(compare(typedOnly).mismatches).toEqual([expect.stringMatching(/typed-column checksum/)]);
    expect(compare(stored([{ VatCode: '1', VatPerc: 21 }])).mismatches[0]).toBe(
      'vat_codes: 1 live rows (1 distinct keys) but AFAS serves 2',
    );
  });
});
