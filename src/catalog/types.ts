// The shape of a catalog entry: a discriminated union on `strategy`, with the scope as a nested
// union, so every field a strategy or scope needs is required where it applies and absent where
// it does not (the generic sync path narrows instead of casting).

export const DATASET_NAMES = [
  'administrations',
  'gl_accounts',
  'journals',
  'periods',
  'vat_codes',
  'allocation_assignments',
  'debtors',
  'creditors',
  'period_balances',
  'journal_lines',
] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** What every dataset says, whatever its strategy and scope. */
interface DatasetBase {
  /** Table name in the `afas` schema; a public contract for analysts. */
  name: DatasetName;
  /** Connector id without the source prefix (`Accounts` → `Profit_Accounts`). */
  connector: string;
  description: string;
  /** The natural key within (source, administration), as AFAS field ids. */
  keyFields: readonly string[];
  /** Other ids a key field goes by in some connector sets (e.g. Finstack's `AdministrationId`). */
  fieldAliases?: Readonly<Record<string, readonly string[]>>;
}

/** One set of rows for the whole AFAS environment. */
export interface EnvironmentScoped {
  scope: 'environment';
  /** `administrations`: this dataset lists the administrations the customer exposes; it is read first, on its own. */
  provides?: 'administrations';
  administrationField?: never;
  historyPartition?: never;
}

/** One set of rows per administration. */
export interface AdministrationScoped {
  scope: 'administration';
  /** The field holding the administration id (filter and table key). */
  administrationField: string;
  /** `periods`: this dataset's rows, keyed (year, period), are the periods that partition a historical import. */
  provides?: 'periods';
  /** For historical imports: fields that cut the data into year/period partitions. */
  historyPartition?: { yearField: string; periodField: string };
}

/** `environment`: one set for the whole AFAS environment; `administration`: one set per administration. */
export type DatasetScope = (EnvironmentScoped | AdministrationScoped)['scope'];

/** Reload every row each run; rows that vanished get `_deleted_at`. Small master data. */
export type FullReloadDataset = DatasetBase &
  (EnvironmentScoped | AdministrationScoped) & { strategy: 'full-reload' };

/**
 * Read rows modified since the watermark (with overlap); a scope small at its last whole read is
 * read whole every run, a larger one on the source's reconcile interval (hard deletes are marked
 * then; see src/activities/sync/reconcile-policy.ts).
 */
export type ModifiedWatermarkDataset = DatasetBase &
  (EnvironmentScoped | AdministrationScoped) & {
    strategy: 'modified-watermark';
    watermark: {
      /** The AFAS "modified" field. */
      modifiedField: string;
    };
  };

/**
 * Read the changed booking days, replace each (administration, day) partition in one
 * transaction. Always per administration: the partitions are cut by it.
 */
export type ChangedDaysDataset = DatasetBase &
  AdministrationScoped & {
    strategy: 'changed-days';
    /** The booking-date field the partitions are cut by. */
    entryDateField: string;
    /** The changed-booking-days connector (without prefix) and its fields. */
    changedDays: { connector: string; dayField: string; modifiedField: string };
  };

export type DatasetDefinition = FullReloadDataset | ModifiedWatermarkDataset | ChangedDaysDataset;

/** How a dataset is kept equal to AFAS. */
export type SyncStrategy = DatasetDefinition['strategy'];

/** What else the saga learns from a dataset (see `provides` on the scopes). */
export type DatasetRole = NonNullable<DatasetDefinition['provides']>;
