// The four kinds of journal entry the generator books (sales and purchase invoices, bank
// statements, memorial entries), each a balanced set of lines drawn from the caller's PRNG. The
// order of the draws is part of the simulator's determinism: a seed always gives the same data.
import type { Prng } from '../prng.js';
import type { AccountKind, JournalLine } from '../store/journal-line.js';
import { JOURNAL_IDS } from './chart.js';
import { CREDITOR_COUNT, DEBTOR_COUNT, creditorId, debtorId } from './master-data.js';
import { MONTH_NAMES } from './vocabulary.js';

export type EntryKind = 'sales' | 'purchase' | 'bank' | 'memorial';

/** One line of an entry before it gets its key, dates and administration. */
export type DraftLine = Pick<
  JournalLine,
  'accountNo' | 'accountKind' | 'vatCode' | 'vatAmt' | 'invoiceId'
> & {
  debit: number;
  credit: number;
  description: string;
};

export interface DraftEntry {
  journal: string;
  lines: DraftLine[];
  voucher: string;
}

/** Descriptions built once, so lines share string instances (cheap to intern). */
export type Texts = Readonly<
  Record<'sales' | 'purchase' | 'receipt' | 'payment' | 'salaries' | 'depreciation', readonly string[]>
>;

export interface EntryContext {
  readonly prng: Prng;
  readonly year: number;
  readonly month: number;
  /** The entry's number within its administration and year (the voucher's serial). */
  readonly invoiceSeq: number;
  /** The administration's latest invoices, which bank lines settle. */
  readonly openSales: string[];
  readonly openPurchases: string[];
  readonly texts: Texts;
}

export function entryTexts(debtorNames: readonly string[], creditorNames: readonly string[]): Texts {
  return {
    sales: debtorNames.map((name) => `Verkoop ${name}`),
    purchase: creditorNames.map((name) => `Inkoop ${name}`),
    receipt: debtorNames.map((name) => `Ontvangst ${name}`),
    payment: creditorNames.map((name) => `Betaling ${name}`),
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
export function entrySizes(prng: Prng, total: number): number[] {
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

export function pickKind(prng: Prng, size: number): EntryKind {
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

/** `<prefix><yy><serial>`, e.g. V2400017: the voucher number of the entry. */
function voucherNumber(prefix: string, ctx: EntryContext): string {
  return `${prefix}${String(ctx.year % 100).padStart(2, '0')}${String(ctx.invoiceSeq).padStart(5, '0')}`;
}

const NO_VAT = { vatCode: null, vatAmt: null } as const;

/** A line of an entry; `vat` only on revenue and cost lines. */
function draftLine(
  accountNo: string,
  accountKind: AccountKind,
  amounts: { debit: number; credit: number },
  invoiceId: string | null,
  description: string,
  vat: Pick<DraftLine, 'vatCode' | 'vatAmt'> = NO_VAT,
): DraftLine {
  return { accountNo, accountKind, ...amounts, ...vat, invoiceId, description };
}

/** An invoice's revenue or cost lines, each drawn by `draw`, and what they total. */
function invoiceLines(
  count: number,
  draw: () => { net: number; vat: number; line: DraftLine },
): { lines: DraftLine[]; total: number; vatTotal: number } {
  const lines: DraftLine[] = [];
  let total = 0;
  let vatTotal = 0;
  for (let i = 0; i < count; i++) {
    const { net, vat, line } = draw();
    total += net;
    vatTotal += vat;
    lines.push(line);
  }
  return { lines, total, vatTotal };
}

function salesEntry(ctx: EntryContext, size: number): DraftEntry {
  const { prng } = ctx;
  const debtorIndex = prng.int(0, DEBTOR_COUNT - 1);
  const debtor = debtorId(debtorIndex);
  const invoice = voucherNumber('V', ctx);
  const description = ctx.texts.sales[debtorIndex] ?? `Verkoop ${debtor}`;
  const revenue = size === 2 ? 1 : size - 2;
  const target = prng.pick(SALES_ACCOUNTS);
  const { lines, total, vatTotal } = invoiceLines(revenue, () => {
    const net = prng.int(5_000, 500_000);
    const vat = size === 2 ? 0 : vatOf(net, target.rate);
    const vatCode = size === 2 ? '3' : target.vatCode;
    const line = draftLine(target.account, 1, { debit: 0, credit: net }, invoice, description, {
      vatCode,
      vatAmt: vat,
    });
    return { net, vat, line };
  });
  if (size > 2) {
    const vatAccount = target.rate === 21 ? '1510' : '1520';
    lines.push(draftLine(vatAccount, 1, { debit: 0, credit: vatTotal }, invoice, description));
  }
  lines.unshift(draftLine(debtor, 2, { debit: total + vatTotal, credit: 0 }, invoice, description));
  remember(ctx.openSales, invoice);
  return { journal: JOURNAL_IDS.sales, lines, voucher: invoice };
}

function purchaseEntry(ctx: EntryContext, size: number): DraftEntry {
  const { prng } = ctx;
  const creditorIndex = prng.int(0, CREDITOR_COUNT - 1);
  const creditor = creditorId(creditorIndex);
  const invoice = voucherNumber('INK', ctx);
  const description = ctx.texts.purchase[creditorIndex] ?? `Inkoop ${creditor}`;
  const costs = size === 2 ? 1 : size - 2;
  const { lines, total, vatTotal } = invoiceLines(costs, () => {
    const net = prng.int(1_000, 250_000);
    const vat = size === 2 ? 0 : vatOf(net, 21);
    const vatCode = size === 2 ? '0' : '4';
    const line = draftLine(prng.pick(COST_ACCOUNTS), 1, { debit: net, credit: 0 }, invoice, description, {
      vatCode,
      vatAmt: vat,
    });
    return { net, vat, line };
  });
  if (size > 2) lines.push(draftLine('1500', 1, { debit: vatTotal, credit: 0 }, invoice, description));
  lines.unshift(draftLine(creditor, 3, { debit: 0, credit: total + vatTotal }, invoice, description));
  remember(ctx.openPurchases, invoice);
  return { journal: JOURNAL_IDS.purchase, lines, voucher: invoice };
}

function bankEntry(ctx: EntryContext, size: number): DraftEntry {
  const { prng } = ctx;
  const receipts = prng.chance(0.5);
  const counter: DraftLine[] = [];
  let net = 0;
  for (let i = 0; i < size - 1; i++) {
    const amount = prng.int(1_000, 400_000);
    if (receipts) {
      const index = prng.int(0, DEBTOR_COUNT - 1);
      const invoice = ctx.openSales.length > 0 ? prng.pick(ctx.openSales) : null;
      const description = ctx.texts.receipt[index] ?? `Ontvangst ${debtorId(index)}`;
      counter.push(draftLine(debtorId(index), 2, { debit: 0, credit: amount }, invoice, description));
      net += amount;
    } else if (prng.chance(0.85)) {
      const index = prng.int(0, CREDITOR_COUNT - 1);
      const invoice = ctx.openPurchases.length > 0 ? prng.pick(ctx.openPurchases) : null;
      const description = ctx.texts.payment[index] ?? `Betaling ${creditorId(index)}`;
      counter.push(draftLine(creditorId(index), 3, { debit: amount, credit: 0 }, invoice, description));
      net -= amount;
    } else {
      const fee = Math.max(100, Math.floor(amount / 100));
      counter.push(draftLine('4900', 1, { debit: fee, credit: 0 }, null, 'Bankkosten'));
      net -= fee;
    }
  }
  const bankLine = draftLine(
    '1100',
    1,
    { debit: net > 0 ? net : 0, credit: net < 0 ? -net : 0 },
    null,
    receipts ? 'Ontvangsten bank' : 'Betalingen bank',
  );
  return { journal: JOURNAL_IDS.bank, lines: [bankLine, ...counter], voucher: voucherNumber('BNK', ctx) };
}

function memorialEntry(ctx: EntryContext, size: number): DraftEntry {
  const { prng } = ctx;
  const salaries = prng.chance(0.6);
  const month = MONTH_NAMES[ctx.month - 1] ?? '';
  const description = (salaries ? ctx.texts.salaries : ctx.texts.depreciation)[ctx.month - 1] ?? month;
  const debitLines: DraftLine[] = [];
  let total = 0;
  for (let i = 0; i < size - 1; i++) {
    const amount = prng.int(50_000, 1_500_000);
    total += amount;
    const account = salaries ? (i % 2 === 0 ? '4000' : '4010') : '4700';
    debitLines.push(draftLine(account, 1, { debit: amount, credit: 0 }, null, description));
  }
  const creditLine = draftLine(salaries ? '1700' : '0250', 1, { debit: 0, credit: total }, null, description);
  return {
    journal: JOURNAL_IDS.memorial,
    lines: [...debitLines, creditLine],
    voucher: voucherNumber('MEM', ctx),
  };
}

const BUILDERS: Record<EntryKind, (ctx: EntryContext, size: number) => DraftEntry> = {
  sales: salesEntry,
  purchase: purchaseEntry,
  bank: bankEntry,
  memorial: memorialEntry,
};

/** A balanced entry of `size` lines of this kind. */
export function buildEntry(kind: EntryKind, ctx: EntryContext, size: number): DraftEntry {
  return BUILDERS[kind](ctx, size);
}
