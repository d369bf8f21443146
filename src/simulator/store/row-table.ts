import type { SourceSchema } from '../connectors/types.js';
import type { CellReader, CellValue, Table } from './table.js';

/** A row of a small table: canonical cell values by field id. */
export type Row = Readonly<Record<string, CellValue>>;

/**
 * Row-per-object storage for the small master-data tables (accounts, debtors, periods, …), with a
 * unique key index. Deleting removes the row; order is insertion order.
 */
export class RowTable implements Table {
  private rows: Row[] = [];
  private readonly byKey = new Map<string, number>();
  private versionCounter = 0;

  constructor(
    readonly name: string,
    readonly schema: SourceSchema,
    rows: readonly Row[] = [],
  ) {
    this.replaceAll(rows);
  }

  version(): number {
    return this.versionCounter;
  }

  slotCount(): number {
    return this.rows.length;
  }

  isLive(row: number): boolean {
    return row >= 0 && row < this.rows.length;
  }

  reader(fieldId: string): CellReader {
    if (!this.schema.fields.some((field) => field.id === fieldId)) {
      throw new Error(`${this.name} has no field ${fieldId}`);
    }
    const rows = this.rows;
    return (row) => rows[row]?.[fieldId] ?? null;
  }

  all(): readonly Row[] {
    return this.rows;
  }

  keyOf(row: Row): CellValue[] {
    return this.schema.keyFields.map((field) => row[field] ?? null);
  }

  get(key: readonly CellValue[]): Row | undefined {
    const index = this.byKey.get(JSON.stringify(key));
    return index === undefined ? undefined : this.rows[index];
  }

  /** Inserts or replaces the row with the same key. */
  put(row: Row): 'inserted' | 'updated' {
    const key = JSON.stringify(this.keyOf(row));
    const index = this.byKey.get(key);
    this.rows = [...this.rows];
    let outcome: 'inserted' | 'updated';
    if (index === undefined) {
      this.byKey.set(key, this.rows.length);
      this.rows.push(row);
      outcome = 'inserted';
    } else {
      this.rows[index] = row;
      outcome = 'updated';
    }
    this.versionCounter++;
    return outcome;
  }

  delete(key: readonly CellValue[]): boolean {
    const index = this.byKey.get(JSON.stringify(key));
    if (index === undefined) return false;
    this.replaceAll(this.rows.filter((_, i) => i !== index));
    return true;
  }

  replaceAll(rows: readonly Row[]): void {
    this.rows = [];
    this.byKey.clear();
    for (const row of rows) {
      const key = JSON.stringify(this.keyOf(row));
      if (this.byKey.has(key)) throw new Error(`${this.name}: duplicate key ${key}`);
      this.byKey.set(key, this.rows.length);
      this.rows.push(row);
    }
    this.versionCounter++;
  }
}
