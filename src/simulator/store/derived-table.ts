import type { SourceSchema } from '../connectors/types.js';
import { RowTable, type Row } from './row-table.js';
import type { CellReader, Table } from './table.js';

/**
 * A read-only table computed from other data (period balances from journal lines, changed booking
 * days from the mutation log, …). It is rebuilt lazily when its dependency signature changes;
 * readers bind to the snapshot current at the time they are created, so a response that is being
 * streamed stays consistent.
 */
export class DerivedTable implements Table {
  private snapshot: RowTable | undefined;
  private builtFor = '';
  private versionCounter = 0;

  constructor(
    readonly name: string,
    private readonly schema: SourceSchema,
    private readonly dependencies: () => string,
    private readonly build: () => Row[],
  ) {}

  version(): number {
    this.current();
    return this.versionCounter;
  }

  slotCount(): number {
    return this.current().slotCount();
  }

  isLive(row: number): boolean {
    return this.current().isLive(row);
  }

  reader(fieldId: string): CellReader {
    return this.current().reader(fieldId);
  }

  rows(): readonly Row[] {
    return this.current().all();
  }

  private current(): RowTable {
    const signature = this.dependencies();
    if (this.snapshot === undefined || signature !== this.builtFor) {
      this.snapshot = new RowTable(this.name, this.schema, this.build());
      this.builtFor = signature;
      this.versionCounter++;
    }
    return this.snapshot;
  }
}
