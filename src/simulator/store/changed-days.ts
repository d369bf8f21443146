/**
 * The mutation log behind Profit_Fin_ChangedEntrydate: for every booking day on which a journal
 * line was added, changed or deleted, the latest change time (both in wall seconds). Deleting the
 * last line of a day keeps the day in the log — that is how deletions reach a syncing client.
 */
export class ChangedDays {
  private readonly days = new Map<number, number>();
  private versionCounter = 0;

  version(): number {
    return this.versionCounter;
  }

  /** Records a change on a booking day; keeps the latest timestamp. */
  touch(entryDate: number, modified: number): void {
    const previous = this.days.get(entryDate);
    if (previous === undefined || modified > previous) {
      this.days.set(entryDate, modified);
      this.versionCounter++;
    }
  }

  /** [entryDate, modified] pairs in booking-day order. */
  entries(): [number, number][] {
    return [...this.days.entries()].sort((a, b) => a[0] - b[0]);
  }

  size(): number {
    return this.days.size;
  }
}
