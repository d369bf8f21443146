/** How a dataset is kept equal to AFAS. */
export type SyncStrategy =
  /** Reload every row each run; rows that vanished get `_deleted_at`. Small master data. */
  | 'full-reload'
  /** Read rows modified since the watermark (with overlap); reconcile (full reload) every N runs. */
  | 'modified-watermark'
  /** Read the changed booking days, replace each (administration, day) partition in one transaction. */
  | 'changed-days';

/** `environment`: one set for the whole AFAS environment; `administration`: one set per administration. */
export type DatasetScope = 'environment' | 'administration';

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

export interface DatasetDefinition {
  /** Table name in the `afas` schema; a public contract for analysts. */
  name: DatasetName;
  /** Connector id without the source prefix (`Accounts` → `Profit_Accounts`). */
  connector: string;
  description: string;
  scope: DatasetScope;
  /** For `administration` scope: the field holding the administration id (filter and table key). */
  administrationField?: string;
  /** The natural key within (source, administration), as AFAS field ids. */
  keyFields: readonly string[];
  /** Other ids a key field goes by in some connector sets (e.g. Finstack's `AdministrationId`). */
  fieldAliases?: Readonly<Record<string, readonly string[]>>;
  strategy: SyncStrategy;
  /** For `modified-watermark`: the AFAS "modified" field. */
  modifiedField?: string;
  /** For `modified-watermark`: a full reconcile every N runs catches hard deletes. */
  reconcileEveryRuns?: number;
  /** For `changed-days`: the booking-date field the partitions are cut by. */
  entryDateField?: string;
  /** For `changed-days`: the changed-booking-days connector (without prefix) and its fields. */
  changedDays?: { connector: string; dayField: string; modifiedField: string };
  /**
   * What else the saga learns from this dataset: `administrations` lists the administrations the
   * customer exposes (read first, on its own); `periods` gives the periods that partition a
   * historical import.
   */
  provides?: 'administrations' | 'periods';
  /** For historical imports: fields that cut the data into year/period partitions. */
  historyPartition?: { yearField: string; periodField: string };
}
