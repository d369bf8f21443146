// A registered entry as the FiEntries UpdateConnector takes it (reference §6.3), and the entry that
// reverses it. Amounts go as the batch's exact decimal strings (AFAS reads "1250.00" as well as a
// number, and a string never passes through a float); every line's description ends in the marker,
// so the entry can be found in AFAS (and in journal_lines) by it.
import { updateEnvelope, type UpdateElement, type UpdateEnvelope } from '../afas/update.js';
import type { BatchEntry, BatchLine } from './batch-format.js';
import { markedDescription } from './marker.js';

/** FiEntries' root object (not the connector id: §6.1). */
export const FI_ENTRIES_ROOT = 'FiEntryPar';
export const FI_ENTRIES_CONNECTOR = 'FiEntries';

/** An entry as registered for posting: the batch's entry, its booking period and its marker. */
export interface RegisteredEntry {
  entry: BatchEntry;
  year: number;
  period: number;
  marker: string;
}

/** Where, when and under which marker a reversing entry is booked. */
export interface ReversalBooking {
  year: number;
  period: number;
  /** YYYY-MM-DD: the original's date in its own period, else the first day of the period used. */
  date: string;
  marker: string;
}

/** `VaAs`: the kind of account a line books on. */
const ACCOUNT_KIND = { ledger: '1', debtor: '2', creditor: '3' } as const;

/** AFAS has five allocation axes, sent as FiDimEntries DiC1..DiC5. */
export const AXIS_POSITIONS = 5;

/**
 * The FiDimEntries field of an allocation's axis, or null when the axis id is not one of 1..5.
 * An axis id is the number AFAS gives the axis (allocation_assignments.DimAx), and axis N is the
 * account's DimAxN and the entry's DiCN: Profit numbers its (at most five) axes 1..5 and names
 * the setting and code fields after that number. validate-batch refuses any other id before posting.
 */
export function allocationField(axis: string): string | null {
  if (!/^[1-9]$/.test(axis)) return null;
  const position = Number(axis);
  return position <= AXIS_POSITIONS ? `DiC${position}` : null;
}

function allocationElement(line: BatchLine, debit: string, credit: string): UpdateElement {
  const fields: Record<string, string> = {};
  for (const allocation of line.allocations ?? []) {
    const field = allocationField(allocation.axis);
    // Validation refuses such an axis before anything is posted; posting without it would
    // silently drop an allocation.
    if (field === null)
      throw new Error(`allocation axis "${allocation.axis}" has no FiDimEntries field (DiC1..DiC5)`);
    fields[field] = allocation.code;
  }
  return { fields: { ...fields, AmDe: debit, AmCr: credit } };
}

interface LineBooking {
  date: string;
  marker: string;
  /** Debit and credit swapped: the reversing entry. */
  swap: boolean;
}

function lineElement(entry: BatchEntry, line: BatchLine, booking: LineBooking): UpdateElement {
  const [debit, credit] = booking.swap ? [line.credit, line.debit] : [line.debit, line.credit];
  const fields: Record<string, string> = {
    VaAs: ACCOUNT_KIND[line.kind],
    AcNr: line.account,
    EnDa: booking.date,
    BpDa: booking.date,
  };
  if (entry.voucherNo !== undefined) fields.BpNr = entry.voucherNo;
  fields.Ds = markedDescription(line.description ?? entry.description, booking.marker);
  fields.AmDe = debit;
  fields.AmCr = credit;
  if (line.vatCode !== undefined) fields.VaId = line.vatCode;
  const allocated = (line.allocations ?? []).length > 0;
  return allocated
    ? { fields, objects: { FiDimEntries: [allocationElement(line, debit, credit)] } }
    : { fields };
}

function envelope(
  entry: BatchEntry,
  header: { year: number; period: number },
  booking: LineBooking,
): UpdateEnvelope {
  return updateEnvelope(FI_ENTRIES_ROOT, {
    fields: { Year: header.year, Peri: header.period, UnId: entry.administration, JoCo: entry.journal },
    objects: { FiEntries: entry.lines.map((line) => lineElement(entry, line, booking)) },
  });
}

/** The POST body of a registered entry. */
export function entryEnvelope(registered: RegisteredEntry): UpdateEnvelope {
  return envelope(registered.entry, registered, {
    date: registered.entry.date,
    marker: registered.marker,
    swap: false,
  });
}

/**
 * The POST body of the entry that reverses a registered one: the same lines, accounts,
 * allocations and VAT codes with debit and credit swapped, in the given period and on the given
 * date, the caller's texts marked with the reversal's own marker.
 */
export function reversalEnvelope(registered: RegisteredEntry, reversal: ReversalBooking): UpdateEnvelope {
  return envelope(registered.entry, reversal, { date: reversal.date, marker: reversal.marker, swap: true });
}
