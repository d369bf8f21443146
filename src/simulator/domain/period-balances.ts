import { hash32 } from '../prng.js';
import type { JournalLineStore } from '../store/journal-lines.js';
import type { Row, RowTable } from '../store/row-table.js';
import { CREDITOR_COLLECT_ACCOUNT, DEBTOR_COLLECT_ACCOUNT } from '../generator/chart.js';

export interface PeriodBalanceSources {
  readonly seed: number;
  readonly journal: JournalLineStore;
  readonly accounts: RowTable;
  readonly debtors: RowTable;
  /** Amounts (cents) added to AFAS's own figures on purpose: an AFAS-side inconsistency for tests. */
  readonly skews?: BalanceSkews;
}

export interface BalanceSkew {
  readonly unit: number;
  readonly year: number;
  readonly period: number;
  readonly account: string;
  /** Cents added to Debit and to Credit. */
  readonly debit: number;
  readonly credit: number;
}

/**
 * Period balances that disagree with the journal lines on purpose (`/__sim/period-balances`):
 * AFAS's two views of the ledger out of step, as the ledger proof must flag rather than repair.
 */
export class BalanceSkews {
  private readonly skews = new Map<string, BalanceSkew>();
  private versionCounter = 0;

  add(skew: BalanceSkew): void {
    const key = `${skew.unit}/${skew.year}/${skew.period}/${skew.account}`;
    const before = this.skews.get(key);
    this.skews.set(key, {
      ...skew,
      debit: skew.debit + (before?.debit ?? 0),
      credit: skew.credit + (before?.credit ?? 0),
    });
    this.versionCounter++;
  }

  clear(): void {
    this.skews.clear();
    this.versionCounter++;
  }

  all(): BalanceSkew[] {
    return [...this.skews.values()];
  }

  version(): number {
    return this.versionCounter;
  }
}

/**
 * The ledger account a line counts on: ledger lines on their own account, debtor lines on the
 * debtor's collective account (Profit_Debtor.CollectAccount, default 1300), creditor lines on the
 * creditors collective account (1600).
 */
function postingAccountResolver(sources: PeriodBalanceSources): (row: number) => string {
  const debtorCollect = new Map<string, string>();
  for (const debtor of sources.debtors.all()) {
    const id = debtor['DebtorId'];
    const collect = debtor['CollectAccount'];
    if (typeof id === 'string')
      debtorCollect.set(id, typeof collect === 'string' ? collect : DEBTOR_COLLECT_ACCOUNT);
  }
  const byCode = new Map<number, string>();
  return (row) => {
    const kind = sources.journal.accountKindOf(row);
    if (kind === 3) return CREDITOR_COLLECT_ACCOUNT;
    const code = sources.journal.accountCodeOf(row);
    if (kind === 1) {
      let account = byCode.get(code);
      if (account === undefined) {
        account = sources.journal.accountForCode(code);
        byCode.set(code, account);
      }
      return account;
    }
    return debtorCollect.get(sources.journal.accountForCode(code)) ?? DEBTOR_COLLECT_ACCOUNT;
  };
}

/** A deterministic monthly budget (cents) for profit-and-loss accounts; null for balance accounts. */
function budgetFor(
  seed: number,
  unit: number,
  year: number,
  period: number,
  account: string,
  type: unknown,
): number | null {
  if (type !== 'R') return null;
  const accountNumber = Number.parseInt(account, 10) || 0;
  return (hash32(seed, 4_001, unit, year, period, accountNumber) % 1_000_000) * 10;
}

/**
 * Profit_Period_balance rows: per UnitId/Year/Period/AccountNr the sums of the live journal lines
 * (Debit, Credit, Balance = Debit − Credit), with the account description and a budget.
 */
export function buildPeriodBalances(sources: PeriodBalanceSources): Row[] {
  const { journal } = sources;
  const accountCodes = new Map<string, number>();
  const accountNames: string[] = [];
  const postingAccount = postingAccountResolver(sources);
  const sums = new Map<number, { debit: number; credit: number }>();
  const slots = journal.slotCount();
  for (let row = 0; row < slots; row++) {
    if (!journal.isLive(row)) continue;
    const account = postingAccount(row);
    let accountIndex = accountCodes.get(account);
    if (accountIndex === undefined) {
      accountIndex = accountNames.length;
      accountNames.push(account);
      accountCodes.set(account, accountIndex);
    }
    const key =
      ((journal.unitOf(row) * 10_000 + journal.yearOf(row)) * 100 + journal.periodOf(row)) * 100_000 +
      accountIndex;
    const sum = sums.get(key);
    if (sum === undefined) sums.set(key, { debit: journal.debitOf(row), credit: journal.creditOf(row) });
    else {
      sum.debit += journal.debitOf(row);
      sum.credit += journal.creditOf(row);
    }
  }
  const accountInfo = new Map(sources.accounts.all().map((a) => [a['Account'], a]));
  const rows: Row[] = [];
  for (const [key, sum] of sums) {
    const accountIndex = key % 100_000;
    const rest = Math.floor(key / 100_000);
    const period = rest % 100;
    const year = Math.floor(rest / 100) % 10_000;
    const unit = Math.floor(rest / 1_000_000);
    const account = accountNames[accountIndex] ?? '';
    const info = accountInfo.get(account);
    rows.push({
      UnitId: unit,
      Year: year,
      Period: period,
      AccountNr: account,
      AccountDesc: info?.['Description'] ?? null,
      Credit: sum.credit,
      Debit: sum.debit,
      Balance: sum.debit - sum.credit,
      Budget: budgetFor(sources.seed, unit, year, period, account, info?.['Type']),
    });
  }
  applySkews(rows, sources.skews?.all() ?? [], accountInfo);
  return rows.sort(
    (a, b) =>
      (a['UnitId'] as number) - (b['UnitId'] as number) ||
      (a['Year'] as number) - (b['Year'] as number) ||
      (a['Period'] as number) - (b['Period'] as number) ||
      ((a['AccountNr'] as string) < (b['AccountNr'] as string) ? -1 : 1),
  );
}

/** Adds each skew to its row's Debit/Credit (and Balance), making the row when the lines made none. */
function applySkews(
  rows: Row[],
  skews: readonly BalanceSkew[],
  accountInfo: ReadonlyMap<unknown, Row>,
): void {
  if (skews.length === 0) return;
  const keyOf = (unit: unknown, year: unknown, period: unknown, account: unknown) =>
    `${String(unit)}/${String(year)}/${String(period)}/${String(account)}`;
  const indexByKey = new Map(
    rows.map((row, index) => [keyOf(row['UnitId'], row['Year'], row['Period'], row['AccountNr']), index]),
  );
  for (const skew of skews) {
    const index = indexByKey.get(keyOf(skew.unit, skew.year, skew.period, skew.account));
    const row: Row = (index === undefined ? undefined : rows[index]) ?? {
      UnitId: skew.unit,
      Year: skew.year,
      Period: skew.period,
      AccountNr: skew.account,
      AccountDesc: accountInfo.get(skew.account)?.['Description'] ?? null,
      Credit: 0,
      Debit: 0,
      Budget: null,
    };
    const debit = (row['Debit'] as number) + skew.debit;
    const credit = (row['Credit'] as number) + skew.credit;
    const skewed = { ...row, Debit: debit, Credit: credit, Balance: debit - credit };
    if (index === undefined) rows.push(skewed);
    else rows[index] = skewed;
  }
}
