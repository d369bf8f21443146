import { StringDictionary } from './string-dictionary.js';
import type { CellReader, DictionaryView, Table } from './table.js';

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

const ENTRY_NO_LIMIT = 2 ** 31;
const INITIAL_CAPACITY = 1024;

function grownInt32(source: Int32Array, capacity: number, fill = 0): Int32Array<ArrayBuffer> {
  const target = new Int32Array(capacity);
  if (fill !== 0) target.fill(fill);
  target.set(source);
  return target;
}

function grownFloat64(source: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const target = new Float64Array(capacity);
  target.set(source);
  return target;
}

function grownInt16(source: Int16Array, capacity: number): Int16Array<ArrayBuffer> {
  const target = new Int16Array(capacity);
  target.set(source);
  return target;
}

function grownUint8(source: Uint8Array, capacity: number): Uint8Array<ArrayBuffer> {
  const target = new Uint8Array(capacity);
  target.set(source);
  return target;
}

function nullableNumber(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

/**
 * Columnar storage for journal lines: typed arrays per column, dictionary-encoded strings, NaN for
 * empty numbers and dates, a liveness flag per slot (deletions are tombstones) and a per-entry
 * linked list for key lookups. About 100 bytes per line; no object or JSON string per row.
 */
export class JournalLineStore implements Table {
  readonly name = 'journalLines';

  private capacity = 0;
  private count = 0;
  private live = 0;
  private versionCounter = 0;

  private unitId = new Int32Array(0);
  private entryNo = new Int32Array(0);
  private seqNo = new Int32Array(0);
  private year = new Int16Array(0);
  private period = new Int16Array(0);
  private accountKind = new Uint8Array(0);
  private alive = new Uint8Array(0);
  private nextInEntry = new Int32Array(0);
  private journalCode = new Int32Array(0);
  private accountCode = new Int32Array(0);
  private invoiceCode = new Int32Array(0);
  private voucherCode = new Int32Array(0);
  private vatCode = new Int32Array(0);
  private descriptionCode = new Int32Array(0);
  private amtDebit = new Float64Array(0);
  private amtCredit = new Float64Array(0);
  private vatAmt = new Float64Array(0);
  private entryDate = new Float64Array(0);
  private voucherDate = new Float64Array(0);
  private created = new Float64Array(0);
  private modified = new Float64Array(0);

  private readonly journals = new StringDictionary();
  private readonly accounts = new StringDictionary();
  private readonly invoices = new StringDictionary();
  private readonly vouchers = new StringDictionary();
  private readonly vatCodes = new StringDictionary();
  private readonly descriptions = new StringDictionary();

  /** unit → entry number → first slot of the entry's chain (small-integer keys hash fast). */
  private readonly entryHeads = new Map<number, Map<number, number>>();
  private readonly maxEntryNo = new Map<number, number>();

  constructor(expectedLines = INITIAL_CAPACITY) {
    this.ensureCapacity(Math.max(INITIAL_CAPACITY, expectedLines));
  }

  version(): number {
    return this.versionCounter;
  }

  slotCount(): number {
    return this.count;
  }

  liveCount(): number {
    return this.live;
  }

  isLive(row: number): boolean {
    return this.alive[row] === 1;
  }

  /** Appends a line; throws when its key (UnitId, EntryNo, SeqNo) is already live. */
  append(line: JournalLine): number {
    if (!Number.isInteger(line.entryNo) || line.entryNo < 1 || line.entryNo >= ENTRY_NO_LIMIT) {
      throw new RangeError(`EntryNo ${line.entryNo} is out of range`);
    }
    let heads = this.entryHeads.get(line.unitId);
    if (heads === undefined) {
      heads = new Map();
      this.entryHeads.set(line.unitId, heads);
    }
    const head = heads.get(line.entryNo);
    let tail = -1;
    for (let slot = head ?? -1; slot !== -1; slot = this.next(slot)) {
      if (this.alive[slot] === 1 && this.seqNo[slot] === line.seqNo) {
        throw new Error(`journal line ${line.unitId}/${line.entryNo}/${line.seqNo} already exists`);
      }
      tail = slot;
    }
    if (this.count === this.capacity) this.ensureCapacity(this.capacity * 2);
    const row = this.count++;
    this.unitId[row] = line.unitId;
    this.entryNo[row] = line.entryNo;
    this.seqNo[row] = line.seqNo;
    this.journalCode[row] = this.journals.intern(line.journalId);
    this.alive[row] = 1;
    this.nextInEntry[row] = -1;
    this.write(row, line);
    if (tail === -1) heads.set(line.entryNo, row);
    else this.nextInEntry[tail] = row;
    this.live++;
    const max = this.maxEntryNo.get(line.unitId) ?? 0;
    if (line.entryNo > max) this.maxEntryNo.set(line.unitId, line.entryNo);
    this.versionCounter++;
    return row;
  }

  /** Changes the non-key fields of a live line. */
  update(row: number, change: JournalLineChange): void {
    this.assertLive(row);
    this.write(row, { ...this.line(row), ...change });
    this.versionCounter++;
  }

  /** Deletes a line (tombstone). */
  remove(row: number): void {
    this.assertLive(row);
    this.alive[row] = 0;
    this.live--;
    this.versionCounter++;
  }

  /** The slot of a live line, or -1. */
  find(unitId: number, entryNo: number, seqNo: number): number {
    for (let row = this.headOf(unitId, entryNo); row !== -1; row = this.next(row)) {
      if (this.alive[row] === 1 && this.seqNo[row] === seqNo) return row;
    }
    return -1;
  }

  /** Live slots of one journal entry, in sequence-number order. */
  entryRows(unitId: number, entryNo: number): number[] {
    const rows: number[] = [];
    for (let row = this.headOf(unitId, entryNo); row !== -1; row = this.next(row)) {
      if (this.alive[row] === 1) rows.push(row);
    }
    return rows.sort((a, b) => this.seqOf(a) - this.seqOf(b));
  }

  /** Live slots of an administration whose InvoiceId equals `invoiceId`. */
  rowsWithInvoice(unitId: number, invoiceId: string): number[] {
    const code = this.invoices.lookup(invoiceId);
    const rows: number[] = [];
    if (code <= 0) return rows;
    for (let row = 0; row < this.count; row++) {
      if (this.invoiceCode[row] === code && this.alive[row] === 1 && this.unitId[row] === unitId)
        rows.push(row);
    }
    return rows;
  }

  /** The next free entry number of an administration. */
  nextEntryNo(unitId: number): number {
    return (this.maxEntryNo.get(unitId) ?? 0) + 1;
  }

  /** Materializes one line (for mutations and validation, never for serving pages). */
  line(row: number): JournalLine {
    return {
      unitId: this.unitId[row]!,
      entryNo: this.entryNo[row]!,
      seqNo: this.seqNo[row]!,
      year: this.year[row]!,
      period: this.period[row]!,
      journalId: this.journals.valueAt(this.journalCode[row]!) ?? '',
      accountNo: this.accounts.valueAt(this.accountCode[row]!) ?? '',
      accountKind: this.accountKind[row]! as 1 | 2 | 3,
      amtDebit: this.amtDebit[row]!,
      amtCredit: this.amtCredit[row]!,
      entryDate: this.entryDate[row]!,
      invoiceId: this.invoices.valueAt(this.invoiceCode[row]!),
      voucherDate: nullableNumber(this.voucherDate[row]!),
      voucherNo: this.vouchers.valueAt(this.voucherCode[row]!),
      vatCode: this.vatCodes.valueAt(this.vatCode[row]!),
      vatAmt: nullableNumber(this.vatAmt[row]!),
      description: this.descriptions.valueAt(this.descriptionCode[row]!),
      created: this.created[row]!,
      modified: this.modified[row]!,
    };
  }

  // Cheap column accessors used by derived tables and mutations.
  unitOf(row: number): number {
    return this.unitId[row]!;
  }
  entryNoOf(row: number): number {
    return this.entryNo[row]!;
  }
  seqOf(row: number): number {
    return this.seqNo[row]!;
  }
  yearOf(row: number): number {
    return this.year[row]!;
  }
  periodOf(row: number): number {
    return this.period[row]!;
  }
  entryDateOf(row: number): number {
    return this.entryDate[row]!;
  }
  modifiedOf(row: number): number {
    return this.modified[row]!;
  }
  debitOf(row: number): number {
    return this.amtDebit[row]!;
  }
  creditOf(row: number): number {
    return this.amtCredit[row]!;
  }
  accountKindOf(row: number): AccountKind {
    return this.accountKind[row]! as AccountKind;
  }
  accountCodeOf(row: number): number {
    return this.accountCode[row]!;
  }
  accountForCode(code: number): string {
    return this.accounts.valueAt(code) ?? '';
  }

  reader(fieldId: string): CellReader {
    switch (fieldId) {
      case 'UnitId':
        return (row) => this.unitId[row]!;
      case 'EntryNo':
        return (row) => this.entryNo[row]!;
      case 'SeqNo':
        return (row) => this.seqNo[row]!;
      case 'Year':
        return (row) => this.year[row]!;
      case 'Period':
        return (row) => this.period[row]!;
      case 'JournalId':
        return (row) => this.journals.valueAt(this.journalCode[row]!);
      case 'AccountNo':
        return (row) => this.accounts.valueAt(this.accountCode[row]!);
      case 'AmtDebit':
        return (row) => this.amtDebit[row]!;
      case 'AmtCredit':
        return (row) => this.amtCredit[row]!;
      case 'EntryDate':
        return (row) => this.entryDate[row]!;
      case 'InvoiceId':
        return (row) => this.invoices.valueAt(this.invoiceCode[row]!);
      case 'VoucherDate':
        return (row) => nullableNumber(this.voucherDate[row]!);
      case 'VoucherNo':
        return (row) => this.vouchers.valueAt(this.voucherCode[row]!);
      case 'VatCode':
        return (row) => this.vatCodes.valueAt(this.vatCode[row]!);
      case 'VatAmt':
        return (row) => nullableNumber(this.vatAmt[row]!);
      case 'Description':
        return (row) => this.descriptions.valueAt(this.descriptionCode[row]!);
      case 'Created':
        return (row) => this.created[row]!;
      case 'Modified':
        return (row) => this.modified[row]!;
      default:
        throw new Error(`journal lines have no field ${fieldId}`);
    }
  }

  numericSortKey(fieldId: string): ((row: number) => number) | undefined {
    const dictionary = this.dictionaryFor(fieldId);
    if (dictionary !== undefined) {
      const ranks = dictionary.dictionary.ranks();
      const codes = dictionary.codes;
      return (row) => ranks[codes()[row]!]!;
    }
    const read = this.reader(fieldId);
    return (row) => {
      const value = read(row);
      return value === null ? Number.NEGATIVE_INFINITY : (value as number);
    };
  }

  dictionary(fieldId: string): DictionaryView | undefined {
    const entry = this.dictionaryFor(fieldId);
    if (entry === undefined) return undefined;
    const { dictionary, codes } = entry;
    return {
      codeOf: (row) => codes()[row]!,
      size: () => dictionary.size(),
      valueAt: (code) => dictionary.valueAt(code),
    };
  }

  private dictionaryFor(
    fieldId: string,
  ): { dictionary: StringDictionary; codes: () => Int32Array } | undefined {
    switch (fieldId) {
      case 'JournalId':
        return { dictionary: this.journals, codes: () => this.journalCode };
      case 'AccountNo':
        return { dictionary: this.accounts, codes: () => this.accountCode };
      case 'InvoiceId':
        return { dictionary: this.invoices, codes: () => this.invoiceCode };
      case 'VoucherNo':
        return { dictionary: this.vouchers, codes: () => this.voucherCode };
      case 'VatCode':
        return { dictionary: this.vatCodes, codes: () => this.vatCode };
      case 'Description':
        return { dictionary: this.descriptions, codes: () => this.descriptionCode };
      default:
        return undefined;
    }
  }

  private write(row: number, line: JournalLine): void {
    this.year[row] = line.year;
    this.period[row] = line.period;
    this.accountKind[row] = line.accountKind;
    this.accountCode[row] = this.accounts.intern(line.accountNo);
    this.amtDebit[row] = line.amtDebit;
    this.amtCredit[row] = line.amtCredit;
    this.entryDate[row] = line.entryDate;
    this.invoiceCode[row] = this.invoices.intern(line.invoiceId);
    this.voucherDate[row] = line.voucherDate ?? Number.NaN;
    this.voucherCode[row] = this.vouchers.intern(line.voucherNo);
    this.vatCode[row] = this.vatCodes.intern(line.vatCode);
    this.vatAmt[row] = line.vatAmt ?? Number.NaN;
    this.descriptionCode[row] = this.descriptions.intern(line.description);
    this.created[row] = line.created;
    this.modified[row] = line.modified;
  }

  private headOf(unitId: number, entryNo: number): number {
    return this.entryHeads.get(unitId)?.get(entryNo) ?? -1;
  }

  private next(row: number): number {
    return this.nextInEntry[row]!;
  }

  private assertLive(row: number): void {
    if (row < 0 || row >= this.count || this.alive[row] !== 1) {
      throw new Error(`journal line slot ${row} is not live`);
    }
  }

  private ensureCapacity(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.unitId = grownInt32(this.unitId, capacity);
    this.entryNo = grownInt32(this.entryNo, capacity);
    this.seqNo = grownInt32(this.seqNo, capacity);
    this.year = grownInt16(this.year, capacity);
    this.period = grownInt16(this.period, capacity);
    this.accountKind = grownUint8(this.accountKind, capacity);
    this.alive = grownUint8(this.alive, capacity);
    this.nextInEntry = grownInt32(this.nextInEntry, capacity, -1);
    this.journalCode = grownInt32(this.journalCode, capacity);
    this.accountCode = grownInt32(this.accountCode, capacity);
    this.invoiceCode = grownInt32(this.invoiceCode, capacity);
    this.voucherCode = grownInt32(this.voucherCode, capacity);
    this.vatCode = grownInt32(this.vatCode, capacity);
    this.descriptionCode = grownInt32(this.descriptionCode, capacity);
    this.amtDebit = grownFloat64(this.amtDebit, capacity);
    this.amtCredit = grownFloat64(this.amtCredit, capacity);
    this.vatAmt = grownFloat64(this.vatAmt, capacity);
    this.entryDate = grownFloat64(this.entryDate, capacity);
    this.voucherDate = grownFloat64(this.voucherDate, capacity);
    this.created = grownFloat64(this.created, capacity);
    this.modified = grownFloat64(this.modified, capacity);
    this.capacity = capacity;
  }
}
