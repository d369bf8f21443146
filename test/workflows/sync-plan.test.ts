import { describe, expect, it } from 'vitest';
import { createSyncPlanActivities, syncPlanFor } from '../../src/activities/sync-plan.js';
import { DATASETS, type DatasetDefinition } from '../../src/catalog/index.js';
import { legacySyncPlan } from '../../src/workflows/sync/legacy-plan.js';

type Planned = Pick<DatasetDefinition, 'name' | 'strategy' | 'scope' | 'provides'>;

const CATALOG: Planned[] = [
  { name: 'gl_accounts', strategy: 'full-reload', scope: 'environment' },
  // Not first and not named `administrations`: what lists the administrations is what it provides.
  { name: 'vat_codes', strategy: 'full-reload', scope: 'environment', provides: 'administrations' },
  { name: 'journals', strategy: 'full-reload', scope: 'administration' },
  { name: 'journal_lines', strategy: 'changed-days', scope: 'administration' },
  { name: 'debtors', strategy: 'modified-watermark', scope: 'environment' },
];

describe('syncPlanFor', () => {
  it('plans every dataset but the administrations one, in catalog order, per administration where scoped', () => {
    expect(syncPlanFor(CATALOG)).toEqual({
      masterData: [
        { dataset: 'gl_accounts', perAdministration: false },
        { dataset: 'journals', perAdministration: true },
        { dataset: 'debtors', perAdministration: false },
      ],
      changedDays: ['journal_lines'],
    });
  });

  it('narrows to the wanted datasets; the administrations dataset is never planned', () => {
    expect(syncPlanFor(CATALOG, ['debtors', 'vat_codes'])).toEqual({
      masterData: [{ dataset: 'debtors', perAdministration: false }],
      changedDays: [],
    });
    expect(syncPlanFor(CATALOG, ['journal_lines'])).toEqual({
      masterData: [],
      changedDays: ['journal_lines'],
    });
  });

  it('plans the real catalog as syncs recorded before the activity did (same commands on replay)', () => {
    expect(syncPlanFor(DATASETS)).toEqual(legacySyncPlan(undefined));
    expect(syncPlanFor(DATASETS, ['journal_lines', 'journals'])).toEqual(
      legacySyncPlan(['journal_lines', 'journals']),
    );
    const plan = syncPlanFor(DATASETS);
    expect(plan.masterData.map((task) => task.dataset)).toEqual(
      DATASETS.filter((d) => d.name !== 'administrations' && d.strategy !== 'changed-days').map(
        (d) => d.name,
      ),
    );
    expect(plan.changedDays).toEqual(['journal_lines']);
    expect(plan.masterData.find((task) => task.dataset === 'journals')?.perAdministration).toBe(true);
    expect(plan.masterData.find((task) => task.dataset === 'debtors')?.perAdministration).toBe(false);
  });

  it('planSync answers the plan of the catalog for the input datasets', async () => {
    const activities = createSyncPlanActivities();
    expect(await activities.planSync({ source: 'acme', runId: 'r', datasets: ['periods'] })).toEqual({
      masterData: [{ dataset: 'periods', perAdministration: true }],
      changedDays: [],
    });
  });
});
