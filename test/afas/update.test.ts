import { describe, expect, it } from 'vitest';
import { AfasUsageError } from '../../src/afas/errors.js';
import { deletePath, parseUpdateResults, updateEnvelope } from '../../src/afas/update.js';

describe('UpdateConnector envelope', () => {
  it('builds { Root: { Element: { @keys, Fields, Objects } } } recursively', () => {
    const envelope = updateEnvelope('FiEntryPar', {
      fields: { Year: 2024, Peri: 1, UnId: 1, JoCo: '20' },
      objects: {
        FiEntries: [
          { fields: { VaAs: '1', AcNr: '8010', EnDa: '2024-01-01', AmDe: 0, AmCr: 100.5 } },
          {
            fields: { VaAs: '1', AcNr: '1300', EnDa: new Date('2024-01-01T11:00:00Z'), AmDe: 100.5, AmCr: 0 },
            objects: { FiDimEntries: { fields: { DiC1: 'WEST', AmDe: 100.5 } } },
          },
        ],
      },
    });
    expect(envelope).toEqual({
      FiEntryPar: {
        Element: {
          Fields: { Year: 2024, Peri: 1, UnId: 1, JoCo: '20' },
          Objects: [
            {
              FiEntries: {
                Element: [
                  { Fields: { VaAs: '1', AcNr: '8010', EnDa: '2024-01-01', AmDe: 0, AmCr: 100.5 } },
                  {
                    Fields: { VaAs: '1', AcNr: '1300', EnDa: '2024-01-01T12:00:00', AmDe: 100.5, AmCr: 0 },
                    Objects: [{ FiDimEntries: { Element: { Fields: { DiC1: 'WEST', AmDe: 100.5 } } } }],
                  },
                ],
              },
            },
          ],
        },
      },
    });
    expect(updateEnvelope('KnSubject', { keys: { SbId: 5n }, fields: { Ds: null } })).toEqual({
      KnSubject: { Element: { '@SbId': '5', Fields: { Ds: null } } },
    });
    expect(() => updateEnvelope('X', { fields: { A: Number.NaN } })).toThrow(AfasUsageError);
  });
});

describe('DELETE key paths', () => {
  it('single and nested (FiEntries) key paths', () => {
    expect(deletePath('KnSubject', [{ object: 'KnSubject', keys: { SbId: 123 } }])).toBe(
      '/connectors/KnSubject/KnSubject/@SbId/123',
    );
    expect(deletePath('HrCostCentre', [{ object: 'HrCostCentre', keys: { CmId: 1, CrId: 'K 01' } }])).toBe(
      '/connectors/HrCostCentre/HrCostCentre/@CmId,@CrId/1,K%2001',
    );
    expect(
      deletePath('FiEntries', [
        { object: 'FiEntryPar', keys: { UnId: 1, JoCo: '73' } },
        { object: 'FiEntries', keys: { EnNo: 70001 } },
      ]),
    ).toBe('/connectors/FiEntries/FiEntryPar/@UnId,@JoCo/1,73/FiEntries/@EnNo/70001');
  });

  it('refuses keys AFAS cannot express', () => {
    expect(() => deletePath('X', [])).toThrow(AfasUsageError);
    expect(() => deletePath('X', [{ object: 'X', keys: {} }])).toThrow(AfasUsageError);
    expect(() => deletePath('X', [{ object: 'X', keys: { A: 'a,b' } }])).toThrow(AfasUsageError);
  });
});

describe('UpdateConnector responses', () => {
  it('accepts the results wrapper, the bare object, and no body', () => {
    expect(parseUpdateResults({ results: { FiEntryPar: { UnId: '4', EnNo: '54605' } } })).toEqual({
      FiEntryPar: { UnId: '4', EnNo: '54605' },
    });
    expect(parseUpdateResults({ FiEntryPar: { UnId: 1, EnNo: '48227', InId: 'IH001057X' } })).toEqual({
      FiEntryPar: { UnId: '1', EnNo: '48227', InId: 'IH001057X' },
    });
    expect(parseUpdateResults(null)).toBeNull();
    expect(parseUpdateResults('')).toBeNull();
  });
});
