// Generates the simulator's journal lines: per administration and year a fixed number of lines in
// balanced entries (journal-entries.ts), spread over the booking days up to the simulator's asOf.
import { WALL_SECONDS_PER_DAY, wallParts, wallSecondsOf } from '../amsterdam-time.js';
import { Prng } from '../prng.js';
import type { JournalLine } from '../store/journal-line.js';
import type { JournalLineStore } from '../store/journal-lines.js';
import { buildEntry, entrySizes, entryTexts, pickKind, type EntryContext } from './journal-entries.js';

export interface JournalGeneratorOptions {
  readonly seed: number;
  readonly administrations: number;
  readonly years: readonly number[];
  /** Journal lines per administration per year (0, or at least 2). */
  readonly linesPerYear: number;
  /** Generated booking days lie before this wall time, and so do Created/Modified. */
  readonly asOfWall: number;
  readonly debtorNames: readonly string[];
  readonly creditorNames: readonly string[];
}

/** Number of booking days of a year that may carry entries (up to the day before asOf). */
function bookingDays(year: number, asOfWall: number): number {
  const start = wallSecondsOf(year, 1, 1);
  const end = wallSecondsOf(year + 1, 1, 1);
  const lastAllowed = Math.min(end, asOfWall - WALL_SECONDS_PER_DAY + 1);
  return Math.max(1, Math.ceil((lastAllowed - start) / WALL_SECONDS_PER_DAY));
}

/** A working-hours time on `day + offsetDays`, kept before asOf. */
function stamp(prng: Prng, day: number, offsetDays: number, asOfWall: number): number {
  const time = prng.int(7 * 3600, 19 * 3600);
  let value = day + offsetDays * WALL_SECONDS_PER_DAY + time;
  if (value >= asOfWall) value = Math.min(day + time, asOfWall - 3600);
  return value;
}

/**
 * Fills the store with balanced journal entries: per administration and year exactly
 * `linesPerYear` lines, entry numbers increasing with the booking date, JournalId fixed per entry.
 */
export function generateJournalLines(store: JournalLineStore, options: JournalGeneratorOptions): void {
  if (options.linesPerYear === 0) return;
  const descriptions = entryTexts(options.debtorNames, options.creditorNames);
  const monthOfDay = new Map<number, number>();
  const years = [...options.years].sort((a, b) => a - b);
  for (let unit = 1; unit <= options.administrations; unit++) {
    let entryNo = 0;
    const openSales: string[] = [];
    const openPurchases: string[] = [];
    for (const year of years) {
      const prng = new Prng(options.seed, 1_001, unit, year);
      const sizes = entrySizes(prng, options.linesPerYear);
      const days = bookingDays(year, options.asOfWall);
      const yearStart = wallSecondsOf(year, 1, 1);
      let invoiceSeq = 0;
      sizes.forEach((size, index) => {
        const day = yearStart + Math.floor((index * days) / sizes.length) * WALL_SECONDS_PER_DAY;
        let month = monthOfDay.get(day);
        if (month === undefined) {
          month = wallParts(day).month;
          monthOfDay.set(day, month);
        }
        invoiceSeq++;
        entryNo++;
        const kind = pickKind(prng, size);
        const ctx: EntryContext = {
          prng,
          year,
          month,
          invoiceSeq,
          openSales,
          openPurchases,
          texts: descriptions,
        };
        const entry = buildEntry(kind, ctx, size);
        const voucherDate = kind === 'purchase' ? day - prng.int(0, 5) * WALL_SECONDS_PER_DAY : day;
        const created = stamp(prng, day, prng.int(0, 3), options.asOfWall);
        const modified = prng.chance(0.15)
          ? Math.max(created, stamp(prng, day, prng.int(4, 40), options.asOfWall))
          : created;
        entry.lines.forEach((draft, seq) => {
          const line: JournalLine = {
            unitId: unit,
            entryNo,
            seqNo: seq + 1,
            year,
            period: month,
            journalId: entry.journal,
            accountNo: draft.accountNo,
            accountKind: draft.accountKind,
            amtDebit: draft.debit,
            amtCredit: draft.credit,
            entryDate: day,
            invoiceId: draft.invoiceId,
            voucherDate,
            voucherNo: entry.voucher,
            vatCode: draft.vatCode,
            vatAmt: draft.vatAmt,
            description: draft.description,
            created,
            modified,
          };
          store.append(line);
        });
      });
    }
  }
}
