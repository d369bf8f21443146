// A journal line (a Profit_Transactions row) as the simulator's store and generator speak of it.
/** 1 = ledger account, 2 = debtor, 3 = creditor (FiEntries `VaAs`). */
export type AccountKind = 1 | 2 | 3;

/** One journal line (a Profit_Transactions row) in canonical values. */
export interface JournalLine {
  unitId: number;
  entryNo: number;
  seqNo: number;
  year: number;
  period: number;
  journalId: string;
  accountNo: string;
  /** What AccountNo refers to; not a connector field, used to roll debtors/creditors up. */
  accountKind: AccountKind;
  /** Cents. */
  amtDebit: number;
  /** Cents. */
  amtCredit: number;
  /** Wall seconds of the booking day (midnight). */
  entryDate: number;
  invoiceId: string | null;
  voucherDate: number | null;
  voucherNo: string | null;
  vatCode: string | null;
  /** Cents. */
  vatAmt: number | null;
  description: string | null;
  /** Wall seconds. */
  created: number;
  /** Wall seconds. */
  modified: number;
}

/** Fields a change may touch (the key and the entry's journal stay fixed). */
export type JournalLineChange = Partial<Omit<JournalLine, 'unitId' | 'entryNo' | 'seqNo' | 'journalId'>>;
