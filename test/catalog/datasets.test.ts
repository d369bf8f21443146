import { describe, expect, it } from 'vitest';
import {
  administrationsDataset,
  changedDaysConnectorId,
  DATASETS,
  importableDatasets,
  periodsDataset,
  requiredConnectorIds,
} from '../../src/catalog/index.js';

const source = { connectorPrefix: 'Profit_', connectorMap: {} };

describe('the catalog', () => {
  it('names the dataset that lists the administrations, and the one whose periods partition imports', () => {
    expect(administrationsDataset()).toMatchObject({ name: 'administrations', scope: 'environment' });
    expect(periodsDataset()).toMatchObject({
      name: 'periods',
      scope: 'administration',
      keyFields: ['Year', 'Period'],
    });
    expect(DATASETS.filter((definition) => definition.provides !== undefined).map((d) => d.name)).toEqual([
      'administrations',
      'periods',
    ]);
  });

  it('imports by history partitions only what has partition fields', () => {
    expect(importableDatasets()).toEqual(['journal_lines']);
  });

  it('requires the changed-days connector of every changed-days dataset, mapped names first', () => {
    expect(requiredConnectorIds(source)).toContain('Profit_Fin_ChangedEntrydate');
    for (const definition of DATASETS) {
      if (definition.strategy !== 'changed-days') continue;
      expect(
        changedDaysConnectorId(definition, {
          ...source,
          connectorMap: { [`${definition.name}.changed_days`]: 'Custom_Changed' },
        }),
      ).toBe('Custom_Changed');
    }
  });
});
