import type { Clock } from '../clock.js';
import type { ChangedDays } from '../store/changed-days.js';
import type { JournalLine, JournalLineChange, JournalLineStore } from '../store/journal-lines.js';

export type NewJournalLine = Omit<JournalLine, 'created' | 'modified'>;

/**
 * All journal-line mutations go through here: they stamp Created/Modified with the current
 * Amsterdam wall time and record the booking days they touch (deletions included) for
 * Profit_Fin_ChangedEntrydate.
 */
export class Ledger {
  constructor(
    private readonly journal: JournalLineStore,
    private readonly changedDays: ChangedDays,
    private readonly clock: Clock,
  ) {}

  add(lines: readonly NewJournalLine[]): number[] {
    const now = this.clock.nowWall();
    return lines.map((line) => {
      const row = this.journal.append({ ...line, created: now, modified: now });
      this.changedDays.touch(line.entryDate, now);
      return row;
    });
  }

  /** `at`: the stamp (wall seconds) instead of now, e.g. one in the future. */
  change(row: number, change: JournalLineChange, at?: number): void {
    const now = at ?? this.clock.nowWall();
    const before = this.journal.entryDateOf(row);
    this.journal.update(row, { ...change, modified: now });
    this.changedDays.touch(before, now);
    this.changedDays.touch(this.journal.entryDateOf(row), now);
  }

  remove(rows: readonly number[]): void {
    const now = this.clock.nowWall();
    for (const row of rows) {
      const day = this.journal.entryDateOf(row);
      this.journal.remove(row);
      this.changedDays.touch(day, now);
    }
  }

  /** Deletes every line of one journal entry; returns how many lines went. */
  removeEntry(unitId: number, entryNo: number): number {
    const rows = this.journal.entryRows(unitId, entryNo);
    this.remove(rows);
    return rows.length;
  }
}
