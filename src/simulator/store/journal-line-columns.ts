// The journal-line store's columns: one typed array per field, dictionary-encoded strings, NaN
// for empty numbers and dates. Which slots are live, and how keys find them, is JournalLineStore's.
import type { AccountKind, JournalLine } from './journal-line.js';
import { grown } from './typed-columns.js';
import { StringDictionary } from './string-dictionary.js';
import type { CellReader } from './table.js';

function nullableNumber(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

export class JournalLineColumns {
  unitId = new Int32Array(0);
  entryNo = new Int32Array(0);
  seqNo = new Int32Array(0);
  year = new Int16Array(0);
  period = new Int16Array(0);
  accountKind = new Uint8Array(0);
  journalCode = new Int32Array(0);
  accountCode = new Int32Array(0);
  invoiceCode = new Int32Array(0);
  voucherCode = new Int32Array(0);
  vatCode = new Int32Array(0);
  descriptionCode = new Int32Array(0);
  amtDebit = new Float64Array(0);
  amtCredit = new Float64Array(0);
  vatAmt = new Float64Array(0);
  entryDate = new Float64Array(0);
  voucherDate = new Float64Array(0);
  created = new Float64Array(0);
  modified = new Float64Array(0);

  readonly journals = new StringDictionary();
  readonly accounts = new StringDictionary();
  readonly invoices = new StringDictionary();
  readonly vouchers = new StringDictionary();
  readonly vatCodes = new StringDictionary();
  readonly descriptions = new StringDictionary();

  /** Grows every column to `capacity` slots, keeping what they hold. */
  grow(capacity: number): void {
    this.unitId = grown(this.unitId, capacity);
    this.entryNo = grown(this.entryNo, capacity);
    this.seqNo = grown(this.seqNo, capacity);
    this.year = grown(this.year, capacity);
    this.period = grown(this.period, capacity);
    this.accountKind = grown(this.accountKind, capacity);
    this.journalCode = grown(this.journalCode, capacity);
    this.accountCode = grown(this.accountCode, capacity);
    this.invoiceCode = grown(this.invoiceCode, capacity);
    this.voucherCode = grown(this.voucherCode, capacity);
    this.vatCode = grown(this.vatCode, capacity);
    this.descriptionCode = grown(this.descriptionCode, capacity);
    this.amtDebit = grown(this.amtDebit, capacity);
    this.amtCredit = grown(this.amtCredit, capacity);
    this.vatAmt = grown(this.vatAmt, capacity);
    this.entryDate = grown(this.entryDate, capacity);
    this.voucherDate = grown(this.voucherDate, capacity);
    this.created = grown(this.created, capacity);
    this.modified = grown(this.modified, capacity);
  }

  /** Writes a new slot: the key, the journal (fixed per entry) and every other field. */
  writeNew(row: number, line: JournalLine): void {
    this.unitId[row] = line.unitId;
    this.entryNo[row] = line.entryNo;
    this.seqNo[row] = line.seqNo;
    this.journalCode[row] = this.journals.intern(line.journalId);
    this.write(row, line);
  }

  /** Writes the fields a change may touch. */
  write(row: number, line: JournalLine): void {
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
      accountKind: this.accountKind[row]! as AccountKind,
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

  /** The dictionary and codes column of a string field; undefined for other fields. */
  dictionaryFor(fieldId: string): { dictionary: StringDictionary; codes: () => Int32Array } | undefined {
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
}
