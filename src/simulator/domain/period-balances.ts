import { hash32 } from '../prng.js';
import type { JournalLineStore } from '../store/journal-lines.js';
import type { Row, RowTable } from '../store/row-table.js';
import { CREDITOR_COLLECT_ACCOUNT, DEBTOR_COLLECT_ACCOUNT } from '../generator/chart.js';

export interface PeriodBalanceSources {
  readonly seed: number;
  readonly journal: JournalLineStore;
  readonly accounts: RowTable;
  readonly debtors: RowTable;
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
  return rows.sort(
    (a, b) =>
      (a['UnitId'] as number) - (b['UnitId'] as number) ||
      (a['Year'] as number) - (b['Year'] as number) ||
      (a['Period'] as number) - (b['Period'] as number) ||
      ((a['AccountNr'] as string) < (b['AccountNr'] as string) ? -1 : 1),
  );
}
