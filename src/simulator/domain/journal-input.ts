import { startOfWallDay, wallParts } from '../amsterdam-time.js';
import { SOURCE_SCHEMAS } from '../connectors/schemas.js';
import type { FieldSpec } from '../connectors/types.js';
import { ControlError } from '../errors.js';
import type { AccountKind, JournalLine, JournalLineChange } from '../store/journal-lines.js';
import type { CellValue } from '../store/table.js';
import { cellFromInput } from '../values.js';
import type { NewJournalLine } from './ledger.js';
import type { SimulatorData } from './simulator-data.js';

const FIELDS = new Map<string, FieldSpec>(
  SOURCE_SCHEMAS.journalLines.fields.map((field) => [field.id, field]),
);
const NOT_CHANGEABLE = new Set(['UnitId', 'EntryNo', 'SeqNo', 'JournalId', 'Created', 'Modified']);

export interface JournalKey {
  readonly UnitId: number;
  readonly EntryNo: number;
  readonly SeqNo: number;
}

function cells(
  input: Readonly<Record<string, unknown>>,
  allowed: (id: string) => boolean,
): Map<string, CellValue> {
  const result = new Map<string, CellValue>();
  for (const [id, raw] of Object.entries(input)) {
    if (id === 'AccountKind') continue;
    const field = FIELDS.get(id);
    if (field === undefined) throw new ControlError(400, `Profit_Transactions has no field '${id}'`);
    if (!allowed(id)) throw new ControlError(400, `field '${id}' cannot be set here`);
    result.set(id, cellFromInput(field, raw));
  }
  return result;
}

function text(values: Map<string, CellValue>, id: string): string | null {
  const value = values.get(id);
  return value === undefined || value === null ? null : String(value);
}

function numberOrNull(values: Map<string, CellValue>, id: string): number | null {
  const value = values.get(id);
  return typeof value === 'number' ? value : null;
}

/** The kind of AccountNo: explicit `AccountKind`, else ledger account, debtor or creditor by lookup. */
function accountKind(data: SimulatorData, account: string, explicit: unknown): AccountKind {
  if (explicit === 1 || explicit === 2 || explicit === 3) return explicit;
  if (explicit !== undefined)
    throw new ControlError(400, `AccountKind must be 1, 2 or 3, got ${JSON.stringify(explicit)}`);
  if (data.master.accounts.get([account]) !== undefined) return 1;
  if (data.master.debtors.get([account]) !== undefined) return 2;
  if (data.master.creditors.get([account]) !== undefined) return 3;
  return 1;
}

/**
 * Control-API lines (`POST /__sim/journal-lines`) to new journal lines. Field names are the
 * Profit_Transactions ids. Lines without EntryNo form one new entry per administration; SeqNo
 * defaults to the next free number of the entry; Year/Period default to the EntryDate's.
 */
export function newJournalLines(
  data: SimulatorData,
  inputs: readonly Readonly<Record<string, unknown>>[],
): NewJournalLine[] {
  const newEntries = new Map<number, number>();
  const nextSeq = new Map<string, number>();
  const entryJournal = new Map<string, string>();
  const reserved = new Map<number, number>();
  const keysInRequest = new Set<string>();
  return inputs.map((input, index) => {
    const values = cells(input, (id) => id !== 'Created' && id !== 'Modified');
    const where = `line ${index + 1}`;
    const unitId = values.get('UnitId');
    if (typeof unitId !== 'number') throw new ControlError(400, `${where}: UnitId is required`);
    if (data.master.administrations.get([unitId]) === undefined) {
      throw new ControlError(400, `${where}: administration ${unitId} does not exist`);
    }
    const entryDate = values.get('EntryDate');
    if (typeof entryDate !== 'number') throw new ControlError(400, `${where}: EntryDate is required`);
    const account = text(values, 'AccountNo');
    if (account === null) throw new ControlError(400, `${where}: AccountNo is required`);

    let entryNo = values.get('EntryNo');
    if (typeof entryNo !== 'number') {
      let assigned = newEntries.get(unitId);
      if (assigned === undefined) {
        assigned = Math.max(data.journal.nextEntryNo(unitId), (reserved.get(unitId) ?? 0) + 1);
        newEntries.set(unitId, assigned);
      }
      entryNo = assigned;
    }
    reserved.set(unitId, Math.max(reserved.get(unitId) ?? 0, entryNo));
    const entryKey = `${unitId}/${entryNo}`;
    const existingRows = data.journal.entryRows(unitId, entryNo);
    const existingJournal =
      existingRows.length > 0 ? data.journal.line(existingRows[0]!).journalId : undefined;
    const journalId = text(values, 'JournalId') ?? entryJournal.get(entryKey) ?? existingJournal;
    if (journalId === undefined)
      throw new ControlError(400, `${where}: JournalId is required for a new entry`);
    const expectedJournal = existingJournal ?? entryJournal.get(entryKey);
    if (expectedJournal !== undefined && expectedJournal !== journalId) {
      throw new ControlError(
        400,
        `${where}: entry ${entryKey} uses journal ${expectedJournal}, not ${journalId}`,
      );
    }
    entryJournal.set(entryKey, journalId);

    let seqNo = values.get('SeqNo');
    if (typeof seqNo !== 'number') {
      const base =
        nextSeq.get(entryKey) ??
        existingRows.reduce((max, row) => Math.max(max, data.journal.seqOf(row)), 0) + 1;
      seqNo = base;
    }
    nextSeq.set(entryKey, Math.max(nextSeq.get(entryKey) ?? 0, seqNo + 1));
    const lineKey = `${unitId}/${entryNo}/${seqNo}`;
    if (keysInRequest.has(lineKey))
      throw new ControlError(409, `${where}: journal line ${lineKey} appears twice`);
    keysInRequest.add(lineKey);
    if (data.journal.find(unitId, entryNo, seqNo) !== -1) {
      throw new ControlError(409, `${where}: journal line ${unitId}/${entryNo}/${seqNo} already exists`);
    }
    const parts = wallParts(entryDate);
    return {
      unitId,
      entryNo,
      seqNo,
      year: numberOrNull(values, 'Year') ?? parts.year,
      period: numberOrNull(values, 'Period') ?? parts.month,
      journalId,
      accountNo: account,
      accountKind: accountKind(data, account, input['AccountKind']),
      amtDebit: numberOrNull(values, 'AmtDebit') ?? 0,
      amtCredit: numberOrNull(values, 'AmtCredit') ?? 0,
      entryDate: startOfWallDay(entryDate),
      invoiceId: text(values, 'InvoiceId'),
      voucherDate: numberOrNull(values, 'VoucherDate'),
      voucherNo: text(values, 'VoucherNo'),
      vatCode: text(values, 'VatCode'),
      vatAmt: numberOrNull(values, 'VatAmt'),
      description: text(values, 'Description'),
    };
  });
}

const REQUIRED_NUMBERS = {
  Year: 'year',
  Period: 'period',
  AmtDebit: 'amtDebit',
  AmtCredit: 'amtCredit',
  EntryDate: 'entryDate',
} as const satisfies Record<string, keyof JournalLine>;

const NULLABLE_NUMBERS = { VoucherDate: 'voucherDate', VatAmt: 'vatAmt' } as const satisfies Record<
  string,
  keyof JournalLine
>;

const NULLABLE_TEXTS = {
  InvoiceId: 'invoiceId',
  VoucherNo: 'voucherNo',
  VatCode: 'vatCode',
  Description: 'description',
} as const satisfies Record<string, keyof JournalLine>;

function lookup<T extends Record<string, string>>(table: T, id: string): T[keyof T] | undefined {
  return Object.hasOwn(table, id) ? (table[id] as T[keyof T]) : undefined;
}

/** A `set` object of `PATCH /__sim/journal-lines` to a line change (keys and stamps excluded). */
export function journalLineChange(
  data: SimulatorData,
  set: Readonly<Record<string, unknown>>,
): JournalLineChange {
  const values = cells(set, (id) => !NOT_CHANGEABLE.has(id));
  const change: Record<string, unknown> = {};
  for (const [id, value] of values) {
    const required = lookup(REQUIRED_NUMBERS, id);
    const nullableNumber = lookup(NULLABLE_NUMBERS, id);
    const nullableText = lookup(NULLABLE_TEXTS, id);
    if (required !== undefined) {
      if (typeof value !== 'number') throw new ControlError(400, `field '${id}' cannot be empty`);
      change[required] = required === 'entryDate' ? startOfWallDay(value) : value;
    } else if (nullableNumber !== undefined) {
      change[nullableNumber] = value;
    } else if (nullableText !== undefined) {
      change[nullableText] = value === null ? null : String(value);
    } else if (id === 'AccountNo') {
      if (value === null) throw new ControlError(400, "field 'AccountNo' cannot be empty");
      change['accountNo'] = String(value);
      change['accountKind'] = accountKind(data, String(value), set['AccountKind']);
    } else {
      throw new ControlError(400, `field '${id}' cannot be changed`);
    }
  }
  return change;
}

/** `{UnitId, EntryNo, SeqNo}` with integer values. */
export function journalKey(input: unknown, where: string): JournalKey {
  const record = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const read = (id: keyof JournalKey): number => {
    const value = record[id];
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
      throw new ControlError(400, `${where}: ${id} must be an integer`);
    }
    return number;
  };
  return { UnitId: read('UnitId'), EntryNo: read('EntryNo'), SeqNo: read('SeqNo') };
}
