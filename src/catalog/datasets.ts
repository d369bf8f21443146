import type {
  AdministrationScoped,
  ChangedDaysDataset,
  DatasetDefinition,
  DatasetName,
  EnvironmentScoped,
} from './types.js';

/**
 * The datasets afas-sync keeps in PostgreSQL. One generic sync path serves them all: adding a
 * dataset is an entry here, not new code. Field ids are AFAS's own, quirks included
 * (`Unit` vs `UnitId`, `Assigments`).
 */
export const DATASETS: readonly DatasetDefinition[] = [
  {
    name: 'administrations',
    connector: 'Administrations',
    description: 'Administrations the customer exposes to this App connector',
    scope: 'environment',
    keyFields: ['AdminId'],
    fieldAliases: { AdminId: ['AdministrationId'] },
    strategy: 'full-reload',
    provides: 'administrations',
  },
  {
    name: 'gl_accounts',
    connector: 'Accounts',
    description: 'General ledger accounts',
    scope: 'environment',
    keyFields: ['Account'],
    strategy: 'full-reload',
  },
  {
    name: 'journals',
    connector: 'Journals',
    description: 'Journals (dagboeken) per administration',
    scope: 'administration',
    administrationField: 'UnitId',
    keyFields: ['JournalId'],
    strategy: 'full-reload',
  },
  {
    name: 'periods',
    connector: 'periods_per_administration',
    description: 'Financial periods per administration, with their blocked state',
    scope: 'administration',
    administrationField: 'Unit',
    keyFields: ['Year', 'Period'],
    strategy: 'full-reload',
    provides: 'periods',
  },
  {
    name: 'vat_codes',
    connector: 'VAT_code',
    description: 'VAT codes',
    scope: 'environment',
    keyFields: ['VatCode'],
    strategy: 'full-reload',
  },
  {
    name: 'allocation_assignments',
    connector: 'Allocation_Assigments',
    description: 'Allocation (cost centre / cost carrier) codes assigned to accounts',
    scope: 'administration',
    administrationField: 'Unit',
    keyFields: ['Account', 'DimAx', 'DimCode'],
    strategy: 'full-reload',
  },
  {
    name: 'debtors',
    connector: 'Debtor',
    description: 'Debtors (customers)',
    scope: 'environment',
    keyFields: ['DebtorId'],
    strategy: 'modified-watermark',
    watermark: { modifiedField: 'ModifiedDate' },
  },
  {
    name: 'creditors',
    connector: 'Creditor',
    description: 'Creditors (suppliers)',
    scope: 'environment',
    keyFields: ['CreditorId'],
    strategy: 'modified-watermark',
    watermark: { modifiedField: 'ModifiedDate' },
  },
  {
    name: 'period_balances',
    connector: 'Period_balance',
    description: 'Balances per account and period (realised and budget)',
    scope: 'administration',
    administrationField: 'UnitId',
    keyFields: ['Year', 'Period', 'AccountNr'],
    strategy: 'full-reload',
  },
  {
    name: 'journal_lines',
    connector: 'Transactions',
    description: 'Journal lines (financial mutations)',
    scope: 'administration',
    administrationField: 'UnitId',
    keyFields: ['EntryNo', 'SeqNo'],
    strategy: 'changed-days',
    entryDateField: 'EntryDate',
    changedDays: { connector: 'Fin_ChangedEntrydate', dayField: 'EntryDate', modifiedField: 'Modified' },
    historyPartition: { yearField: 'Year', periodField: 'Period' },
  },
];

const BY_NAME = new Map<string, DatasetDefinition>(DATASETS.map((dataset) => [dataset.name, dataset]));

export function dataset(name: DatasetName): DatasetDefinition {
  return storedDataset(name);
}

/** A dataset by a name read back from storage (an import's row); a name the catalog dropped throws. */
export function storedDataset(name: string): DatasetDefinition {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`unknown dataset ${name}`);
  return found;
}

/** The connector id a source uses for a dataset: its explicit map first, else prefix + suffix. */
export function connectorIdFor(
  definition: Pick<DatasetDefinition, 'name' | 'connector'>,
  source: { connectorPrefix: string; connectorMap: Readonly<Record<string, string>> },
): string {
  return source.connectorMap[definition.name] ?? `${source.connectorPrefix}${definition.connector}`;
}

/** The changed-booking-days connector id for a source. */
export function changedDaysConnectorId(
  definition: Pick<ChangedDaysDataset, 'name' | 'changedDays'>,
  source: { connectorPrefix: string; connectorMap: Readonly<Record<string, string>> },
): string {
  return (
    source.connectorMap[`${definition.name}.changed_days`] ??
    `${source.connectorPrefix}${definition.changedDays.connector}`
  );
}

/** Every GetConnector a source must expose: what the "Confirm" step of the setup checks. */
export function requiredConnectorIds(source: {
  connectorPrefix: string;
  connectorMap: Readonly<Record<string, string>>;
}): string[] {
  const ids = new Set<string>();
  for (const definition of DATASETS) {
    ids.add(connectorIdFor(definition, source));
    if (definition.strategy === 'changed-days') ids.add(changedDaysConnectorId(definition, source));
  }
  return [...ids];
}

/** The dataset that lists the administrations the customer exposes: the saga reads it first. */
export function administrationsDataset(): DatasetDefinition & EnvironmentScoped {
  for (const definition of DATASETS) if (definition.provides === 'administrations') return definition;
  throw new Error('the catalog has no dataset that provides the administrations');
}

/** The dataset whose rows, keyed (year, period) per administration, partition a historical import. */
export function periodsDataset(): DatasetDefinition & AdministrationScoped {
  for (const definition of DATASETS) if (definition.provides === 'periods') return definition;
  throw new Error('the catalog has no dataset that provides the periods');
}

/** Datasets a historical import can load: administration-scoped, with year/period partition fields. */
export function importableDatasets(): DatasetName[] {
  return DATASETS.filter((definition) => definition.historyPartition !== undefined).map((d) => d.name);
}
