import { formatWallDateDutch } from '../amsterdam-time.js';
import { profitErrors } from '../messages.js';
import type { Row } from '../store/row-table.js';
import type { SimulatorData } from './simulator-data.js';

/** The period of an administration whose dates hold `day` (wall seconds), if any. */
export function periodContaining(data: SimulatorData, unit: number, day: number): Row | undefined {
  return data.master.periods
    .all()
    .find(
      (row) => row['Unit'] === unit && (row['DateFrom'] as number) <= day && day <= (row['DateTo'] as number),
    );
}

/**
 * Blocks or unblocks one period of an administration (the `Blocked` column of
 * Profit_periods_per_administration, which FiEntries checks); undefined when there is no such period.
 */
export function setPeriodBlocked(
  data: SimulatorData,
  unit: number,
  year: number,
  period: number,
  blocked: boolean,
): Row | undefined {
  const row = data.master.periods.get([unit, year, period]);
  if (row === undefined) return undefined;
  const changed = { ...row, Blocked: blocked };
  data.master.periods.put(changed);
  return changed;
}

/**
 * An existing entry may not be deleted or replaced once its period, or a booking date of one of
 * its lines, is blocked: the same refusal, and the same texts, as posting into that period.
 */
export function refuseChangeInBlockedPeriod(data: SimulatorData, unit: number, entryNo: number): void {
  const lines = data.journal.entryRows(unit, entryNo).map((row) => data.journal.line(row));
  const first = lines[0];
  if (first === undefined) return;
  if (data.master.periods.get([unit, first.year, first.period])?.['Blocked'] === true) {
    throw profitErrors.periodBlocked(first.period, first.year);
  }
  for (const line of lines) {
    if (periodContaining(data, unit, line.entryDate)?.['Blocked'] === true) {
      throw profitErrors.dateInBlockedPeriod(formatWallDateDutch(line.entryDate));
    }
  }
}
