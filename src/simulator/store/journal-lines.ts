import type { AccountKind, JournalLine, JournalLineChange } from './journal-line.js';
import { JournalLineColumns } from './journal-line-columns.js';
import { grown } from './typed-columns.js';
import type { CellReader, DictionaryView, Table } from './table.js';

export type { AccountKind, JournalLine, JournalLineChange } from './journal-line.js';

const ENTRY_NO_LIMIT = 2 ** 31;
const INITIAL_CAPACITY = 1024;

/**
 * Columnar storage for journal lines (the columns are JournalLineColumns): typed arrays per column, dictionary-encoded strings, NaN for
 * empty numbers and dates, a liveness flag per slot (deletions are tombstones) and a per-entry
 * linked list for key lookups. About 100 bytes per line; no object or JSON string per row.
 */
export class JournalLineStore implements Table {
  readonly name = 'journalLines';

  private capacity = 0;
  private count = 0;
  private live = 0;
  private versionCounter = 0;

  private alive = new Uint8Array(0);
  private nextInEntry = new Int32Array(0);
  private readonly columns = new JournalLineColumns();

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
      if (this.alive[slot] === 1 && this.columns.seqNo[slot] === line.seqNo) {
        throw new Error(`journal line ${line.unitId}/${line.entryNo}/${line.seqNo} already exists`);
      }
      tail = slot;
    }
    if (this.count === this.capacity) this.ensureCapacity(this.capacity * 2);
    const row = this.count++;
    this.columns.writeNew(row, line);
    this.alive[row] = 1;
    this.nextInEntry[row] = -1;
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
    this.columns.write(row, { ...this.line(row), ...change });
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
      if (this.alive[row] === 1 && this.columns.seqNo[row] === seqNo) return row;
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
    const { invoices, invoiceCode, unitId: units } = this.columns;
    const code = invoices.lookup(invoiceId);
    const rows: number[] = [];
    if (code <= 0) return rows;
    for (let row = 0; row < this.count; row++) {
      if (invoiceCode[row] === code && this.alive[row] === 1 && units[row] === unitId) rows.push(row);
    }
    return rows;
  }

  /** The next free entry number of an administration. */
  nextEntryNo(unitId: number): number {
    return (this.maxEntryNo.get(unitId) ?? 0) + 1;
  }

  /** Materializes one line (for mutations and validation, never for serving pages). */
  line(row: number): JournalLine {
    return this.columns.line(row);
  }

  // Cheap column accessors used by derived tables and mutations.
  unitOf(row: number): number {
    return this.columns.unitId[row]!;
  }
  entryNoOf(row: number): number {
    return this.columns.entryNo[row]!;
  }
  seqOf(row: number): number {
    return this.columns.seqNo[row]!;
  }
  yearOf(row: number): number {
    return this.columns.year[row]!;
  }
  periodOf(row: number): number {
    return this.columns.period[row]!;
  }
  entryDateOf(row: number): number {
    return this.columns.entryDate[row]!;
  }
  modifiedOf(row: number): number {
    return this.columns.modified[row]!;
  }
  debitOf(row: number): number {
    return this.columns.amtDebit[row]!;
  }
  creditOf(row: number): number {
    return this.columns.amtCredit[row]!;
  }
  accountKindOf(row: number): AccountKind {
    return this.columns.accountKind[row]! as AccountKind;
  }
  accountCodeOf(row: number): number {
    return this.columns.accountCode[row]!;
  }
  accountForCode(code: number): string {
    return this.columns.accounts.valueAt(code) ?? '';
  }

  reader(fieldId: string): CellReader {
    return this.columns.reader(fieldId);
  }

  numericSortKey(fieldId: string): ((row: number) => number) | undefined {
    const dictionary = this.columns.dictionaryFor(fieldId);
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
    const entry = this.columns.dictionaryFor(fieldId);
    if (entry === undefined) return undefined;
    const { dictionary, codes } = entry;
    return {
      codeOf: (row) => codes()[row]!,
      size: () => dictionary.size(),
      valueAt: (code) => dictionary.valueAt(code),
    };
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
    this.alive = grown(this.alive, capacity);
    this.nextInEntry = grown(this.nextInEntry, capacity, -1);
    this.columns.grow(capacity);
    this.capacity = capacity;
  }
}
