// Which synced fields prove the copy (issue 18): the journal lines, rolled up per administration,
// year, period and ledger account, must equal AFAS's own realised period balances. Declarative,
// like the dataset catalog: the SQL in src/db/ledger-proof.ts reads every table and column from
// here. Column names are the AFAS field ids (none of these fields is a key found under an alias).
import type { DatasetName } from './types.js';

export interface LedgerProofCatalog {
  /** Journal lines: one amount per line, debit and credit apart. */
  lines: {
    dataset: DatasetName;
    administrationField: string;
    entryField: string;
    yearField: string;
    periodField: string;
    accountField: string;
    debitField: string;
    creditField: string;
  };
  /**
   * AFAS's realised figures per administration, year, period and account. `Debit` and `Credit`
   * are realised amounts; `Balance` is their difference and `Budget` a plan, so neither is compared.
   */
  balances: {
    dataset: DatasetName;
    yearField: string;
    periodField: string;
    accountField: string;
    debitField: string;
    creditField: string;
  };
  /** Ledger accounts; the creditors' collective account is the one flagged collective of kind `creditorKind`. */
  accounts: {
    dataset: DatasetName;
    accountField: string;
    collectiveField: string;
    collectiveKindField: string;
    creditorKind: string;
  };
  /** Debtors name their own collective account. */
  debtors: { dataset: DatasetName; idField: string; collectiveAccountField: string };
  /** Creditors name none (Profit_Creditor has no CollectAccount): they roll up into the creditors' collective account. */
  creditors: { dataset: DatasetName; idField: string };
  /** Periods give the booking days a differing period is re-read for. */
  periods: {
    dataset: DatasetName;
    yearField: string;
    periodField: string;
    fromField: string;
    toField: string;
  };
}

export const LEDGER_PROOF: LedgerProofCatalog = {
  lines: {
    dataset: 'journal_lines',
    administrationField: 'UnitId',
    entryField: 'EntryNo',
    yearField: 'Year',
    periodField: 'Period',
    accountField: 'AccountNo',
    debitField: 'AmtDebit',
    creditField: 'AmtCredit',
  },
  balances: {
    dataset: 'period_balances',
    yearField: 'Year',
    periodField: 'Period',
    accountField: 'AccountNr',
    debitField: 'Debit',
    creditField: 'Credit',
  },
  accounts: {
    dataset: 'gl_accounts',
    accountField: 'Account',
    collectiveField: 'CollectAccount',
    collectiveKindField: 'CollectAccountType',
    creditorKind: 'C',
  },
  debtors: { dataset: 'debtors', idField: 'DebtorId', collectiveAccountField: 'CollectAccount' },
  creditors: { dataset: 'creditors', idField: 'CreditorId' },
  periods: {
    dataset: 'periods',
    yearField: 'Year',
    periodField: 'Period',
    fromField: 'DateFrom',
    toField: 'DateTo',
  },
};

/** The columns of a dataset's table the ledger proof groups, joins or sums by (none: not in it). */
export function proofColumns(dataset: string): string[] {
  const columns = new Set<string>();
  for (const part of Object.values(LEDGER_PROOF) as Record<string, string>[]) {
    if (part.dataset !== dataset) continue;
    for (const [key, value] of Object.entries(part)) if (key.endsWith('Field')) columns.add(value);
  }
  return [...columns];
}
