import { formatWallDateDutch } from '../amsterdam-time.js';
import {
  FI_DIM_ENTRIES,
  FI_ENTRY_HEADER,
  FI_ENTRY_LINES,
  updateFieldLabel,
  type UpdateObjectSpec,
} from '../connectors/update-catalog.js';
import type { LocalizedText } from '../connectors/types.js';
import { formatScaled } from '../decimal.js';
import { ALLOCATION_AXES } from '../generator/chart.js';
import { profitErrors } from '../messages.js';
import type { AccountKind } from '../store/journal-lines.js';
import type { Row } from '../store/row-table.js';
import { periodContaining, refuseChangeInBlockedPeriod } from './blocked-periods.js';
import type { Ledger, NewJournalLine } from './ledger.js';
import type { SimulatorData } from './simulator-data.js';
import { parseUpdateBody, type UpdateElement } from './update-envelope.js';
import { readBoolean, readDate, readInt, readScaled, readString } from './update-values.js';

/** The `results.FiEntryPar` answer; key values are strings, InId empty when there is no invoice. */
export interface FiEntryResult {
  readonly UnId: string;
  readonly EnNo: string;
  readonly InId: string;
}

interface ValidatedLine {
  readonly kind: AccountKind;
  readonly account: string;
  readonly entryDate: number;
  readonly voucherDate: number;
  readonly voucherNo: string | undefined;
  readonly invoiceId: string | undefined;
  readonly description: string | undefined;
  readonly debit: number;
  readonly credit: number;
  readonly vatCode: string | undefined;
  readonly vatPercentage: number;
}

interface ValidatedEntry {
  readonly unit: number;
  readonly year: number;
  readonly period: number;
  readonly journal: string;
  readonly autoNumber: boolean;
  /** Set for PUT: the entry that is replaced. */
  readonly replaces: number | undefined;
  readonly lines: readonly ValidatedLine[];
}

const label = (object: UpdateObjectSpec, fieldId: string): LocalizedText => updateFieldLabel(object, fieldId);

function periodRow(data: SimulatorData, unit: number, year: number, period: number): Row | undefined {
  return data.master.periods.get([unit, year, period]);
}

function validateAllocation(data: SimulatorData, unit: number, account: Row, element: UpdateElement): void {
  const accountNo = String(account['Account']);
  const dims = element.objects.get(FI_DIM_ENTRIES.name) ?? [];
  for (const axis of ALLOCATION_AXES) {
    const setting = account[`DimAx${axis.axis}`];
    const codes = dims
      .map((dim) =>
        readString(dim.fields, `DiC${axis.axis}`, label(FI_DIM_ENTRIES, `DiC${axis.axis}`), false),
      )
      .filter((code): code is string => code !== undefined);
    if (setting === 'V' && codes.length === 0)
      throw profitErrors.allocationRequired(axis.description, accountNo);
    if (setting !== 'V' && setting !== 'O') continue;
    for (const code of codes) {
      if (data.master.allocationAssignments.get([unit, accountNo, axis.axis, code]) === undefined) {
        throw profitErrors.allocationNotAssigned(axis.description, code, accountNo);
      }
    }
  }
}

function validateLine(data: SimulatorData, unit: number, element: UpdateElement): ValidatedLine {
  const fields = element.fields;
  const kindText = readString(fields, 'VaAs', label(FI_ENTRY_LINES, 'VaAs'), true).trim();
  if (kindText !== '1' && kindText !== '2' && kindText !== '3') {
    throw profitErrors.valueDoesNotExist(label(FI_ENTRY_LINES, 'VaAs'));
  }
  const kind = Number(kindText) as AccountKind;
  const account = readString(fields, 'AcNr', label(FI_ENTRY_LINES, 'AcNr'), true).trim();
  const accountLabel = label(FI_ENTRY_LINES, 'AcNr');
  let ledgerAccount: Row | undefined;
  if (kind === 1) {
    ledgerAccount = data.master.accounts.get([account]);
    if (ledgerAccount === undefined) throw profitErrors.valueDoesNotExist(accountLabel);
  } else if (kind === 2) {
    if (data.master.debtors.get([account]) === undefined) throw profitErrors.valueDoesNotExist(accountLabel);
  } else if (data.master.creditors.get([account]) === undefined) {
    throw profitErrors.valueDoesNotExist(accountLabel);
  }
  const entryDate = readDate(fields, 'EnDa', label(FI_ENTRY_LINES, 'EnDa'), true);
  const voucherDate = readDate(fields, 'BpDa', label(FI_ENTRY_LINES, 'BpDa'), true);
  const period = periodContaining(data, unit, entryDate);
  if (period?.['Blocked'] === true) throw profitErrors.dateInBlockedPeriod(formatWallDateDutch(entryDate));
  const vatCode = readString(fields, 'VaId', label(FI_ENTRY_LINES, 'VaId'), false)?.trim();
  let vatPercentage = 0;
  if (vatCode !== undefined) {
    const vat = data.master.vatCodes.get([vatCode]);
    if (vat === undefined) throw profitErrors.valueDoesNotExist(label(FI_ENTRY_LINES, 'VaId'));
    if (ledgerAccount !== undefined && ledgerAccount['VatAllowed'] !== true)
      throw profitErrors.vatNotAllowed(account);
    vatPercentage = (vat['VatPerc'] as number | null) ?? 0;
  }
  if (ledgerAccount !== undefined) validateAllocation(data, unit, ledgerAccount, element);
  return {
    kind,
    account,
    entryDate,
    voucherDate,
    voucherNo: readString(fields, 'BpNr', label(FI_ENTRY_LINES, 'BpNr'), false),
    invoiceId: readString(fields, 'InId', label(FI_ENTRY_LINES, 'InId'), false),
    description: readString(fields, 'Ds', label(FI_ENTRY_LINES, 'Ds'), false),
    debit: readScaled(fields, 'AmDe', label(FI_ENTRY_LINES, 'AmDe'), 2),
    credit: readScaled(fields, 'AmCr', label(FI_ENTRY_LINES, 'AmCr'), 2),
    vatCode,
    vatPercentage,
  };
}

function existingEntry(
  data: SimulatorData,
  unit: number,
  journal: string,
  element: UpdateElement,
  lines: readonly UpdateElement[],
): number {
  const entryLabel = label(FI_ENTRY_LINES, 'EnNo');
  const fromHeader =
    readInt(element.fields, 'EnNo', entryLabel, false) ??
    readInt(element.attributes, 'EnNo', entryLabel, false);
  const fromLine = lines
    .map((line) => readInt(line.fields, 'EnNo', entryLabel, false))
    .find((n) => n !== undefined);
  const entryNo = fromHeader ?? fromLine;
  if (entryNo === undefined) throw profitErrors.mandatoryField(entryLabel);
  const rows = data.journal.entryRows(unit, entryNo);
  if (rows.length === 0 || data.journal.line(rows[0]!).journalId !== journal) {
    throw profitErrors.valueDoesNotExist(entryLabel);
  }
  refuseChangeInBlockedPeriod(data, unit, entryNo);
  return entryNo;
}

function validateEntry(
  data: SimulatorData,
  element: UpdateElement,
  mode: 'insert' | 'replace',
): ValidatedEntry {
  const fields = element.fields;
  const year = readInt(fields, 'Year', label(FI_ENTRY_HEADER, 'Year'), true);
  const period = readInt(fields, 'Peri', label(FI_ENTRY_HEADER, 'Peri'), true);
  // Without UnId Profit uses the administration the connector user last logged on to.
  const unit =
    readInt(fields, 'UnId', label(FI_ENTRY_HEADER, 'UnId'), false) ??
    (data.master.administrations.all()[0]?.['AdminId'] as number | undefined) ??
    1;
  if (data.master.administrations.get([unit]) === undefined) {
    throw profitErrors.valueDoesNotExist(label(FI_ENTRY_HEADER, 'UnId'));
  }
  const journal = readString(fields, 'JoCo', label(FI_ENTRY_HEADER, 'JoCo'), true).trim();
  if (data.master.journals.get([unit, journal]) === undefined) {
    throw profitErrors.valueDoesNotExist(label(FI_ENTRY_HEADER, 'JoCo'));
  }
  const autoNumber = readBoolean(fields, 'AuNu', label(FI_ENTRY_HEADER, 'AuNu'));
  const periodInfo = periodRow(data, unit, year, period);
  if (periodInfo === undefined) throw profitErrors.valueDoesNotExist(label(FI_ENTRY_HEADER, 'Peri'));
  if (periodInfo['Blocked'] === true) throw profitErrors.periodBlocked(period, year);

  const lineElements = element.objects.get(FI_ENTRY_LINES.name) ?? [];
  if (lineElements.length === 0) throw profitErrors.entryWithoutLines();
  const replaces = mode === 'replace' ? existingEntry(data, unit, journal, element, lineElements) : undefined;
  const lines = lineElements.map((line) => validateLine(data, unit, line));
  const debit = lines.reduce((sum, line) => sum + line.debit, 0);
  const credit = lines.reduce((sum, line) => sum + line.credit, 0);
  if (debit !== credit) throw profitErrors.entryNotBalanced(formatScaled(debit, 2), formatScaled(credit, 2));
  return { unit, year, period, journal, autoNumber, replaces, lines };
}

function journalLinesOf(entry: ValidatedEntry, entryNo: number): NewJournalLine[] {
  return entry.lines.map((line, index): NewJournalLine => {
    const autoInvoice = entry.autoNumber && line.kind !== 1 && line.invoiceId === undefined;
    const net = line.debit !== 0 ? line.debit : line.credit;
    return {
      unitId: entry.unit,
      entryNo,
      seqNo: index + 1,
      year: entry.year,
      period: entry.period,
      journalId: entry.journal,
      accountNo: line.account,
      accountKind: line.kind,
      amtDebit: line.debit,
      amtCredit: line.credit,
      entryDate: line.entryDate,
      invoiceId: autoInvoice ? `V${String(entryNo).padStart(7, '0')}` : (line.invoiceId ?? null),
      voucherDate: line.voucherDate,
      voucherNo: line.voucherNo ?? String(entryNo),
      vatCode: line.vatCode ?? null,
      vatAmt: line.vatCode === undefined ? null : Math.round((net * line.vatPercentage) / 10_000),
      description: line.description ?? null,
    };
  });
}

/**
 * POST (insert) or PUT (replace an existing entry, identified by EnNo) on FiEntries. The whole body
 * is validated before anything is written, like Profit's single transaction.
 */
export function saveFiEntries(
  data: SimulatorData,
  ledger: Ledger,
  body: unknown,
  mode: 'insert' | 'replace',
): FiEntryResult[] {
  const entries = parseUpdateBody(body, FI_ENTRY_HEADER.name).map((element) =>
    validateEntry(data, element, mode),
  );
  return entries.map((entry) => {
    let entryNo: number;
    if (entry.replaces !== undefined) {
      entryNo = entry.replaces;
      ledger.removeEntry(entry.unit, entryNo);
    } else {
      entryNo = data.journal.nextEntryNo(entry.unit);
    }
    const lines = journalLinesOf(entry, entryNo);
    ledger.add(lines);
    const invoice = lines.find((line) => line.invoiceId !== null)?.invoiceId ?? '';
    return { UnId: String(entry.unit), EnNo: String(entryNo), InId: invoice };
  });
}

/** Key path of a DELETE: `FiEntryPar/UnId,JoCo/{unit},{journal}/FiEntries/@EnNo|InId/{value}`. */
export interface FiEntryDeleteKey {
  readonly unit: string;
  readonly journal: string;
  readonly by: 'EnNo' | 'InId';
  readonly value: string;
}

/** Deletes whole entries by entry number or invoice number; returns the number of lines removed. */
export function deleteFiEntries(data: SimulatorData, ledger: Ledger, key: FiEntryDeleteKey): number {
  const unit = Number(key.unit);
  if (!Number.isInteger(unit) || data.master.administrations.get([unit]) === undefined) {
    throw profitErrors.valueDoesNotExist(label(FI_ENTRY_HEADER, 'UnId'));
  }
  if (data.master.journals.get([unit, key.journal]) === undefined) {
    throw profitErrors.valueDoesNotExist(label(FI_ENTRY_HEADER, 'JoCo'));
  }
  let entryNumbers: number[];
  if (key.by === 'EnNo') {
    const entryNo = Number(key.value);
    const rows = Number.isInteger(entryNo) && entryNo > 0 ? data.journal.entryRows(unit, entryNo) : [];
    if (rows.length === 0 || data.journal.line(rows[0]!).journalId !== key.journal) {
      throw profitErrors.valueDoesNotExist(label(FI_ENTRY_LINES, 'EnNo'));
    }
    entryNumbers = [entryNo];
  } else {
    const rows = data.journal
      .rowsWithInvoice(unit, key.value)
      .filter((row) => data.journal.line(row).journalId === key.journal);
    entryNumbers = [...new Set(rows.map((row) => data.journal.entryNoOf(row)))];
    if (entryNumbers.length === 0) throw profitErrors.valueDoesNotExist(label(FI_ENTRY_LINES, 'InId'));
  }
  // All or nothing, like Profit's transaction: one entry in a blocked period refuses the delete.
  for (const entryNo of entryNumbers) refuseChangeInBlockedPeriod(data, unit, entryNo);
  return entryNumbers.reduce((removed, entryNo) => removed + ledger.removeEntry(unit, entryNo), 0);
}
