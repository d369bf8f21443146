// A well-formed batch against the source's synced master data (issue 19, point 2): the
// administration and journal exist, the booking date falls in an existing, unblocked period, every
// account, debtor, creditor and VAT code exists and is not blocked, and allocations are given
// where the account requires them and assigned to it. Pure: the data comes from loadWriteBackReference.
import type { PeriodRow, WriteBackReference } from '../db/write-back-reference.js';
import { assignmentKey, journalKey } from '../db/write-back-reference.js';
import type { BatchEntry, BatchLine } from './batch-format.js';
import { allocationField, AXIS_POSITIONS } from './fi-entries.js';
import type { BatchProblem } from './problems.js';

const pad = (period: number) => String(period).padStart(2, '0');
const periodName = (row: Pick<PeriodRow, 'year' | 'period'>) => `${row.year}-${pad(row.period)}`;

/**
 * The period an entry books into: its own year/period when given, else the first period (in year,
 * period order) whose dates contain the booking date.
 */
export function bookingPeriod(
  entry: Pick<BatchEntry, 'date' | 'year' | 'period'>,
  periods: readonly PeriodRow[],
): PeriodRow | undefined {
  if (entry.year !== undefined && entry.period !== undefined)
    return periods.find((row) => row.year === entry.year && row.period === entry.period);
  return containing(entry.date, periods);
}

function containing(date: string, periods: readonly PeriodRow[]): PeriodRow | undefined {
  return periods.find((row) => row.from <= date && date <= row.to);
}

/** Every problem of the entries against the reference data; datasets not synced yet come first. */
export function referenceProblems(
  source: string,
  entries: readonly BatchEntry[],
  reference: WriteBackReference,
): BatchProblem[] {
  const problems: BatchProblem[] = reference.missing.map((missing) => ({
    entry: null,
    line: null,
    field: missing.dataset,
    message: `cannot be checked: ${missing.reason}; run \`afas-sync sync ${source}\` first`,
  }));
  for (const entry of entries) problems.push(...entryProblems(source, entry, reference));
  return problems;
}

function entryProblems(source: string, entry: BatchEntry, reference: WriteBackReference): BatchProblem[] {
  const problems: BatchProblem[] = [];
  const report = (field: string, message: string, line: number | null = null) =>
    problems.push({ entry: entry.key, line, field, message });
  const admin = entry.administration;
  const exposed = !reference.administrations || reference.administrations.has(admin);
  if (!exposed) {
    // Nothing of another administration's journals, periods or assignments can match: say it once.
    report('administration', `administration ${admin} is not one "${source}" exposes`);
  } else {
    const journal = reference.journals?.get(journalKey(admin, entry.journal));
    if (reference.journals && !journal)
      report('journal', `journal "${entry.journal}" does not exist in administration ${admin}`);
    if (journal?.blocked) report('journal', `journal "${entry.journal}" is blocked`);
    if (reference.periods)
      for (const [field, message] of periodProblems(entry, reference.periods.get(admin) ?? []))
        report(field, message);
  }
  entry.lines.forEach((line, index) => {
    for (const [field, message] of lineProblems(admin, exposed, line, reference))
      report(field, message, index + 1);
  });
  return problems;
}

function periodProblems(entry: BatchEntry, periods: readonly PeriodRow[]): [string, string][] {
  const problems: [string, string][] = [];
  const given = entry.year !== undefined && entry.period !== undefined;
  const booked = bookingPeriod(entry, periods);
  if (given && !booked)
    problems.push([
      'period',
      `period ${entry.year}-${pad(entry.period ?? 0)} does not exist in administration ${entry.administration}`,
    ]);
  else if (given && booked?.blocked) problems.push(['period', `period ${periodName(booked)} is blocked`]);
  const ofDate = containing(entry.date, periods);
  if (!given && !ofDate)
    problems.push([
      'date',
      `no period of administration ${entry.administration} contains ${entry.date} (give year and period)`,
    ]);
  else if (ofDate?.blocked)
    problems.push(['date', `${entry.date} falls in period ${periodName(ofDate)}, which is blocked`]);
  return problems;
}

const KIND_NAME = { ledger: 'ledger account', debtor: 'debtor', creditor: 'creditor' } as const;

function lineProblems(
  administration: number,
  /** False: the administration is unknown, so its assignments are not looked for. */
  exposed: boolean,
  line: BatchLine,
  reference: WriteBackReference,
): [string, string][] {
  const problems: [string, string][] = [];
  const lookup = { ledger: reference.accounts, debtor: reference.debtors, creditor: reference.creditors }[
    line.kind
  ];
  const found = lookup?.get(line.account);
  const name = `${KIND_NAME[line.kind]} "${line.account}"`;
  if (lookup && !found) problems.push(['account', `${name} does not exist`]);
  if (found?.blocked) problems.push(['account', `${name} is blocked`]);

  if (line.vatCode !== undefined) {
    const vat = reference.vatCodes?.get(line.vatCode);
    if (reference.vatCodes && !vat) problems.push(['vatCode', `VAT code "${line.vatCode}" does not exist`]);
    if (vat?.blocked) problems.push(['vatCode', `VAT code "${line.vatCode}" is blocked`]);
  }
  const allocations = line.allocations ?? [];
  if (line.kind !== 'ledger') {
    if (allocations.length > 0)
      problems.push(['allocations', `allocations apply to ledger accounts only, not to a ${line.kind}`]);
    return problems;
  }
  const account = reference.accounts?.get(line.account);
  if (!account) return problems;
  if (line.vatCode !== undefined && !account.vatAllowed)
    problems.push(['vatCode', `ledger account "${line.account}" does not allow VAT`]);
  // Axis position N (DimAxN, FiDimEntries DiCN) is the axis whose id is N (fi-entries.ts allocationField).
  account.axes.forEach((setting, index) => {
    const axis = String(index + 1);
    if (setting === 'V' && !allocations.some((allocation) => allocation.axis === axis))
      problems.push([
        'allocations',
        `ledger account "${line.account}" requires an allocation on axis ${axis}`,
      ]);
  });
  allocations.forEach((allocation, index) => {
    // FiDimEntries has DiC1..DiC5 only: an axis id that names none of them cannot be posted.
    if (allocationField(allocation.axis) === null) {
      problems.push([
        `allocations[${index}].axis`,
        `axis "${allocation.axis}" is not an allocation axis AFAS can book on: give the axis number 1 to ${AXIS_POSITIONS} (as allocation_assignments.DimAx holds it)`,
      ]);
      return;
    }
    const key = assignmentKey(administration, line.account, allocation.axis, allocation.code);
    if (exposed && reference.assignments && !reference.assignments.has(key))
      problems.push([
        `allocations[${index}].code`,
        `allocation code "${allocation.code}" on axis ${allocation.axis} is not assigned to ledger account "${line.account}" in administration ${administration}`,
      ]);
  });
  return problems;
}
