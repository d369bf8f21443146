import { WALL_SECONDS_PER_DAY, wallParts, wallSecondsOf } from '../amsterdam-time.js';
import { Prng } from '../prng.js';
import type { AccountKind, JournalLine, JournalLineStore } from '../store/journal-lines.js';
import { JOURNAL_IDS } from './chart.js';
import { CREDITOR_COUNT, DEBTOR_COUNT, creditorId, debtorId } from './master-data.js';
import { MONTH_NAMES } from './vocabulary.js';

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

type EntryKind = 'sales' | 'purchase' | 'bank' | 'memorial';

interface DraftLine {
  accountNo: string;
  accountKind: AccountKind;
  debit: number;
  credit: number;
  vatCode: string | null;
  vatAmt: number | null;
  invoiceId: string | null;
  description: string;
}

interface EntryContext {
  readonly prng: Prng;
  readonly unit: number;
  readonly year: number;
  readonly month: number;
  readonly invoiceSeq: number;
  readonly options: JournalGeneratorOptions;
  readonly openSales: string[];
  readonly openPurchases: string[];
  readonly texts: Texts;
}

/** Descriptions built once, so lines share string instances (cheap to intern). */
interface Texts {
  readonly sales: readonly string[];
  readonly purchase: readonly string[];
  readonly receipt: readonly string[];
  readonly payment: readonly string[];
  readonly salaries: readonly string[];
  readonly depreciation: readonly string[];
}

function texts(options: JournalGeneratorOptions): Texts {
  return {
    sales: options.debtorNames.map((name) => `Verkoop ${name}`),
    purchase: options.creditorNames.map((name) => `Inkoop ${name}`),
    receipt: options.debtorNames.map((name) => `Ontvangst ${name}`),
    payment: options.creditorNames.map((name) => `Betaling ${name}`),
    salaries: MONTH_NAMES.map((month) => `Salarissen ${month}`),
    depreciation: MONTH_NAMES.map((month) => `Afschrijving ${month}`),
  };
}

const SALES_ACCOUNTS = [
  { account: '8000', vatCode: '1', rate: 21 },
  { account: '8074', vatCode: '1', rate: 21 },
  { account: '8010', vatCode: '2', rate: 9 },
] as const;

const COST_ACCOUNTS = ['4100', '4200', '4300', '4400', '4500', '4600', '4900', '7000'] as const;

/** Splits `total` lines into entry sizes of 2–6 lines (never leaving a single line over). */
function entrySizes(prng: Prng, total: number): number[] {
  const sizes: number[] = [];
  let remaining = total;
  while (remaining > 0) {
    let size = Math.min(prng.int(2, 6), remaining);
    if (remaining - size === 1) size += 1;
    sizes.push(size);
    remaining -= size;
  }
  return sizes;
}

function pickKind(prng: Prng, size: number): EntryKind {
  const roll = prng.next();
  if (size > 5) return roll < 0.5 ? 'sales' : 'purchase';
  if (roll < 0.35) return 'sales';
  if (roll < 0.65) return 'purchase';
  if (roll < 0.9) return 'bank';
  return 'memorial';
}

function vatOf(net: number, rate: number): number {
  return Math.round((net * rate) / 100);
}

function remember(list: string[], invoice: string): void {
  list.push(invoice);
  if (list.length > 64) list.shift();
}

function salesEntry(
  ctx: EntryContext,
  size: number,
): { journal: string; lines: DraftLine[]; voucher: string } {
  const { prng } = ctx;
  const debtorIndex = prng.int(0, DEBTOR_COUNT - 1);
  const debtor = debtorId(debtorIndex);
  const invoice = `V${String(ctx.year % 100).padStart(2, '0')}${String(ctx.invoiceSeq).padStart(5, '0')}`;
  const description = ctx.texts.sales[debtorIndex] ?? `Verkoop ${debtor}`;
  const revenue = size === 2 ? 1 : size - 2;
  const target = prng.pick(SALES_ACCOUNTS);
  const lines: DraftLine[] = [];
  let total = 0;
  let vatTotal = 0;
  for (let i = 0; i < revenue; i++) {
    const net = prng.int(5_000, 500_000);
    const vat = size === 2 ? 0 : vatOf(net, target.rate);
    total += net;
    vatTotal += vat;
    lines.push({
      accountNo: target.account,
      accountKind: 1,
      debit: 0,
      credit: net,
      vatCode: size === 2 ? '3' : target.vatCode,
      vatAmt: vat,
      invoiceId: invoice,
      description,
    });
  }
  if (size > 2) {
    lines.push({
      accountNo: target.rate === 21 ? '1510' : '1520',
      accountKind: 1,
      debit: 0,
      credit: vatTotal,
      vatCode: null,
      vatAmt: null,
      invoiceId: invoice,
      description,
    });
  }
  lines.unshift({
    accountNo: debtor,
    accountKind: 2,
    debit: total + vatTotal,
    credit: 0,
    vatCode: null,
    vatAmt: null,
    invoiceId: invoice,
    description,
  });
  remember(ctx.openSales, invoice);
  return { journal: JOURNAL_IDS.sales, lines, voucher: invoice };
}

function purchaseEntry(
  ctx: EntryContext,
  size: number,
): { journal: string; lines: DraftLine[]; voucher: string } {
  const { prng } = ctx;
  const creditorIndex = prng.int(0, CREDITOR_COUNT - 1);
  const creditor = creditorId(creditorIndex);
  const invoice = `INK${String(ctx.year % 100).padStart(2, '0')}${String(ctx.invoiceSeq).padStart(5, '0')}`;
  const description = ctx.texts.purchase[creditorIndex] ?? `Inkoop ${creditor}`;
  const costs = size === 2 ? 1 : size - 2;
  const lines: DraftLine[] = [];
  let total = 0;
  let vatTotal = 0;
  for (let i = 0; i < costs; i++) {
    const net = prng.int(1_000, 250_000);
    const vat = size === 2 ? 0 : vatOf(net, 21);
    total += net;
    vatTotal += vat;
    lines.push({
      accountNo: prng.pick(COST_ACCOUNTS),
      accountKind: 1,
      debit: net,
      credit: 0,
      vatCode: size === 2 ? '0' : '4',
      vatAmt: vat,
      invoiceId: invoice,
      description,
    });
  }
  if (size > 2) {
    lines.push({
      accountNo: '1500',
      accountKind: 1,
      debit: vatTotal,
      credit: 0,
      vatCode: null,
      vatAmt: null,
      invoiceId: invoice,
      description,
    });
  }
  lines.unshift({
    accountNo: creditor,
    accountKind: 3,
    debit: 0,
    credit: total + vatTotal,
    vatCode: null,
    vatAmt: null,
    invoiceId: invoice,
    description,
  });
  remember(ctx.openPurchases, invoice);
  return { journal: JOURNAL_IDS.purchase, lines, voucher: invoice };
}

function bankEntry(
  ctx: EntryContext,
  size: number,
): { journal: string; lines: DraftLine[]; voucher: string } {
  const { prng } = ctx;
  const receipts = prng.chance(0.5);
  const counter: DraftLine[] = [];
  let net = 0;
  for (let i = 0; i < size - 1; i++) {
    const amount = prng.int(1_000, 400_000);
    if (receipts) {
      const index = prng.int(0, DEBTOR_COUNT - 1);
      counter.push({
        accountNo: debtorId(index),
        accountKind: 2,
        debit: 0,
        credit: amount,
        vatCode: null,
        vatAmt: null,
        invoiceId: ctx.openSales.length > 0 ? prng.pick(ctx.openSales) : null,
        description: ctx.texts.receipt[index] ?? `Ontvangst ${debtorId(index)}`,
      });
      net += amount;
    } else if (prng.chance(0.85)) {
      const index = prng.int(0, CREDITOR_COUNT - 1);
      counter.push({
        accountNo: creditorId(index),
        accountKind: 3,
        debit: amount,
        credit: 0,
        vatCode: null,
        vatAmt: null,
        invoiceId: ctx.openPurchases.length > 0 ? prng.pick(ctx.openPurchases) : null,
        description: ctx.texts.payment[index] ?? `Betaling ${creditorId(index)}`,
      });
      net -= amount;
    } else {
      const fee = Math.max(100, Math.floor(amount / 100));
      counter.push({
        accountNo: '4900',
        accountKind: 1,
        debit: fee,
        credit: 0,
        vatCode: null,
        vatAmt: null,
        invoiceId: null,
        description: 'Bankkosten',
      });
      net -= fee;
    }
  }
  const bankLine: DraftLine = {
    accountNo: '1100',
    accountKind: 1,
    debit: net > 0 ? net : 0,
    credit: net < 0 ? -net : 0,
    vatCode: null,
    vatAmt: null,
    invoiceId: null,
    description: receipts ? 'Ontvangsten bank' : 'Betalingen bank',
  };
  const voucher = `BNK${String(ctx.year % 100).padStart(2, '0')}${String(ctx.invoiceSeq).padStart(5, '0')}`;
  return { journal: JOURNAL_IDS.bank, lines: [bankLine, ...counter], voucher };
}

function memorialEntry(
  ctx: EntryContext,
  size: number,
): { journal: string; lines: DraftLine[]; voucher: string } {
  const { prng } = ctx;
  const salaries = prng.chance(0.6);
  const month = MONTH_NAMES[ctx.month - 1] ?? '';
  const description = (salaries ? ctx.texts.salaries : ctx.texts.depreciation)[ctx.month - 1] ?? month;
  const debitLines: DraftLine[] = [];
  let total = 0;
  for (let i = 0; i < size - 1; i++) {
    const amount = prng.int(50_000, 1_500_000);
    total += amount;
    debitLines.push({
      accountNo: salaries ? (i % 2 === 0 ? '4000' : '4010') : '4700',
      accountKind: 1,
      debit: amount,
      credit: 0,
      vatCode: null,
      vatAmt: null,
      invoiceId: null,
      description,
    });
  }
  const creditLine: DraftLine = {
    accountNo: salaries ? '1700' : '0250',
    accountKind: 1,
    debit: 0,
    credit: total,
    vatCode: null,
    vatAmt: null,
    invoiceId: null,
    description,
  };
  const voucher = `MEM${String(ctx.year % 100).padStart(2, '0')}${String(ctx.invoiceSeq).padStart(5, '0')}`;
  return { journal: JOURNAL_IDS.memorial, lines: [...debitLines, creditLine], voucher };
}

const BUILDERS: Record<EntryKind, typeof salesEntry> = {
  sales: salesEntry,
  purchase: purchaseEntry,
  bank: bankEntry,
  memorial: memorialEntry,
};

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
  const descriptions = texts(options);
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
          unit,
          year,
          month,
          invoiceSeq,
          options,
          openSales,
          openPurchases,
          texts: descriptions,
        };
        const entry = BUILDERS[kind](ctx, size);
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
