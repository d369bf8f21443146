import { formatWallDate, wallParts } from '../amsterdam-time.js';
import { JOURNAL_IDS } from '../generator/chart.js';
import { Prng } from '../prng.js';
import type { Ledger } from './ledger.js';
import type { SimulatorData } from './simulator-data.js';

/** Entry identity as one number: unit × 2^32 + entry number. */
const ENTRY_FACTOR = 2 ** 32;

export interface RandomMutationRequest {
  /** Share (0..1] of the candidate booking days to touch. */
  readonly fraction?: number | undefined;
  /** Or an exact number of booking days. */
  readonly days?: number | undefined;
  readonly seed: number;
  readonly unitId?: number | undefined;
  readonly years?: readonly number[] | undefined;
}

export interface RandomMutationResult {
  /** The touched booking days, `YYYY-MM-DD`. */
  days: string[];
  changedLines: number;
  addedLines: number;
  deletedLines: number;
}

/**
 * Changes, adds or deletes journal entries on a deterministic selection of booking days (one
 * operation per day): a change moves an amount between a debit and a credit line of one entry
 * (so it stays balanced), an add books a two-line memorial correction, a delete removes a whole
 * entry. Every operation stamps Modified and marks the booking day changed.
 */
export function mutateRandomDays(
  data: SimulatorData,
  ledger: Ledger,
  request: RandomMutationRequest,
): RandomMutationResult {
  const { journal } = data;
  const years = request.years === undefined ? undefined : new Set(request.years);
  const entriesByDay = new Map<number, Set<number>>();
  for (let row = 0; row < journal.slotCount(); row++) {
    if (!journal.isLive(row)) continue;
    const unit = journal.unitOf(row);
    if (request.unitId !== undefined && unit !== request.unitId) continue;
    if (years !== undefined && !years.has(journal.yearOf(row))) continue;
    const day = journal.entryDateOf(row);
    let entries = entriesByDay.get(day);
    if (entries === undefined) {
      entries = new Set();
      entriesByDay.set(day, entries);
    }
    entries.add(unit * ENTRY_FACTOR + journal.entryNoOf(row));
  }
  const candidates = [...entriesByDay.keys()].sort((a, b) => a - b);
  const wanted =
    request.days !== undefined
      ? Math.min(candidates.length, request.days)
      : Math.round(candidates.length * Math.min(1, Math.max(0, request.fraction ?? 0)));
  const prng = new Prng(request.seed, 7_001);
  // Partial Fisher–Yates shuffle: the first `wanted` candidates are a uniform sample.
  for (let i = 0; i < wanted; i++) {
    const j = i + Math.floor(prng.next() * (candidates.length - i));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  const chosen = candidates.slice(0, wanted).sort((a, b) => a - b);
  const result: RandomMutationResult = { days: [], changedLines: 0, addedLines: 0, deletedLines: 0 };
  for (const day of chosen) {
    const entries = [...(entriesByDay.get(day) ?? [])];
    const entryKey = prng.pick(entries);
    const unit = Math.floor(entryKey / ENTRY_FACTOR);
    const entryNo = entryKey % ENTRY_FACTOR;
    const roll = prng.next();
    if (roll < 0.4 && changeEntry(data, ledger, unit, entryNo, prng)) {
      result.changedLines += 2;
    } else if (roll < 0.7) {
      result.addedLines += addCorrection(data, ledger, unit, day, prng);
    } else {
      result.deletedLines += ledger.removeEntry(unit, entryNo);
    }
    result.days.push(formatWallDate(day));
  }
  return result;
}

function changeEntry(
  data: SimulatorData,
  ledger: Ledger,
  unit: number,
  entryNo: number,
  prng: Prng,
): boolean {
  const rows = data.journal.entryRows(unit, entryNo);
  const debitRow = rows.find((row) => data.journal.debitOf(row) > 0);
  const creditRow = rows.find((row) => data.journal.creditOf(row) > 0);
  if (debitRow === undefined || creditRow === undefined) return false;
  const delta = prng.int(1, 10_000);
  const suffix = ' (gewijzigd)';
  for (const [row, side] of [
    [debitRow, 'amtDebit'],
    [creditRow, 'amtCredit'],
  ] as const) {
    const line = data.journal.line(row);
    const description = line.description ?? '';
    ledger.change(row, {
      [side]: line[side] + delta,
      description: description.endsWith(suffix) ? description : `${description}${suffix}`.slice(0, 255),
    });
  }
  return true;
}

function addCorrection(data: SimulatorData, ledger: Ledger, unit: number, day: number, prng: Prng): number {
  const journalId =
    data.master.journals.get([unit, JOURNAL_IDS.memorial]) !== undefined
      ? JOURNAL_IDS.memorial
      : String(
          data.master.journals.all().find((row) => row['UnitId'] === unit)?.['JournalId'] ??
            JOURNAL_IDS.memorial,
        );
  const entryNo = data.journal.nextEntryNo(unit);
  const amount = prng.int(1_000, 250_000);
  const { year, month } = wallParts(day);
  const common = {
    unitId: unit,
    entryNo,
    year,
    period: month,
    journalId,
    entryDate: day,
    invoiceId: null,
    voucherDate: day,
    voucherNo: `COR${entryNo}`,
    vatCode: null,
    vatAmt: null,
    description: 'Correctieboeking',
  } as const;
  ledger.add([
    { ...common, seqNo: 1, accountNo: '4300', accountKind: 1, amtDebit: amount, amtCredit: 0 },
    { ...common, seqNo: 2, accountNo: '1700', accountKind: 1, amtDebit: 0, amtCredit: amount },
  ]);
  return 2;
}
