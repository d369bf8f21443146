import { WALL_SECONDS_PER_DAY, wallSecondsOf } from '../amsterdam-time.js';
import { Prng } from '../prng.js';
import type { Row } from '../store/row-table.js';
import {
  ALLOCATION_AXES,
  CHART_OF_ACCOUNTS,
  CREDITOR_COLLECT_ACCOUNT,
  DEBTOR_COLLECT_ACCOUNT,
  JOURNALS,
  MISSING_ASSIGNMENTS,
  VAT_CODES,
} from './chart.js';
import {
  ADMINISTRATION_NAMES,
  BANK_CODES,
  CITIES,
  CUSTOMER_TRADES,
  FAMILY_NAMES,
  MONTH_NAMES,
  STREETS,
  SUPPLIER_TRADES,
} from './vocabulary.js';

export const DEBTOR_COUNT = 250;
export const CREDITOR_COUNT = 150;
const DEBTOR_BASE = 10_000;
const CREDITOR_BASE = 20_000;

export interface MasterDataOptions {
  readonly seed: number;
  readonly administrations: number;
  readonly years: readonly number[];
  /** Generated timestamps lie before this wall time. */
  readonly asOfWall: number;
}

const DEBTOR_IDS = Array.from({ length: DEBTOR_COUNT }, (_, i) => String(DEBTOR_BASE + i + 1));
const CREDITOR_IDS = Array.from({ length: CREDITOR_COUNT }, (_, i) => String(CREDITOR_BASE + i + 1));

/** Debtor number of the i-th generated debtor (shared string instances: cheap to intern). */
export function debtorId(index: number): string {
  return DEBTOR_IDS[index] ?? String(DEBTOR_BASE + index + 1);
}

export function creditorId(index: number): string {
  return CREDITOR_IDS[index] ?? String(CREDITOR_BASE + index + 1);
}

export function administrationRows(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => {
    const base = ADMINISTRATION_NAMES[i % ADMINISTRATION_NAMES.length] as string;
    const round = Math.floor(i / ADMINISTRATION_NAMES.length);
    return {
      AdminId: i + 1,
      AdminNm: round === 0 ? base : base.replace(' B.V.', ` ${round + 1} B.V.`),
      AdminCd: String(i + 1).padStart(2, '0'),
    };
  });
}

export function accountRows(): Row[] {
  return CHART_OF_ACCOUNTS.map((account) => ({
    Account: account.account,
    Description: account.description,
    Type: account.type,
    Sort: account.sort,
    Blocked: false,
    CollectAccount: account.collectType !== undefined,
    CollectAccountType: account.collectType ?? null,
    Feature: account.feature ?? null,
    CollectOn: null,
    VatAllowed: account.vatCode !== undefined,
    VatCode: account.vatCode ?? null,
    Budget: account.type === 'R' ? 'J' : 'N',
    ToProject: 'N',
    DimAx1: account.dimAx1 ?? 'N',
    DimAx2: account.dimAx2 ?? 'N',
    DimAx3: 'N',
    DimAx4: 'N',
    DimAx5: 'N',
  }));
}

export function vatCodeRows(): Row[] {
  return VAT_CODES.map((vat) => ({
    VatCode: vat.code,
    Description: vat.description,
    AccountNr: vat.account,
    VatPerc: vat.percentage,
    VatDuty: vat.type === 'G' ? 'N' : 'J',
    Blocked: false,
    VatMethod: 'E',
    VatType: vat.type,
  }));
}

export function journalRows(administrations: number): Row[] {
  const rows: Row[] = [];
  for (let unit = 1; unit <= administrations; unit++) {
    for (const journal of JOURNALS) {
      rows.push({
        UnitId: unit,
        JournalId: journal.id,
        Description: journal.description,
        JournalType: journal.type,
        Blocked: false,
      });
    }
  }
  return rows;
}

/** Periods 1–12 per year; every year older than the previous year is blocked. */
export function periodRows(administrations: number, years: readonly number[]): Row[] {
  const newest = Math.max(...years);
  const rows: Row[] = [];
  for (let unit = 1; unit <= administrations; unit++) {
    for (const year of [...years].sort((a, b) => a - b)) {
      for (let period = 1; period <= 12; period++) {
        const from = wallSecondsOf(year, period, 1);
        const to = wallSecondsOf(year, period + 1, 1) - WALL_SECONDS_PER_DAY;
        rows.push({
          Unit: unit,
          Year: year,
          Period: period,
          PeriodDesc: `${MONTH_NAMES[period - 1]} ${year}`,
          DateFrom: from,
          DateTo: to,
          Blocked: year < newest - 1,
          Periodtable: 1,
          TableDesc: 'Maanden',
        });
      }
    }
  }
  return rows;
}

export function allocationRows(administrations: number): Row[] {
  const rows: Row[] = [];
  for (let unit = 1; unit <= administrations; unit++) {
    for (const account of CHART_OF_ACCOUNTS) {
      for (const axis of ALLOCATION_AXES) {
        const setting = axis.axis === 1 ? account.dimAx1 : account.dimAx2;
        if (setting === undefined || setting === 'N') continue;
        for (const code of axis.codes) {
          const missing = MISSING_ASSIGNMENTS.some(
            (m) => m.account === account.account && m.axis === axis.axis && m.code === code.code,
          );
          if (missing) continue;
          rows.push({
            Unit: unit,
            Account: account.account,
            DimAx: axis.axis,
            AxDescription: axis.description.nl,
            DimCode: code.code,
            CodeDescription: code.description,
          });
        }
      }
    }
  }
  return rows;
}

/** A Dutch IBAN with correct mod-97 check digits. */
function iban(prng: Prng): string {
  const bank = prng.pick(BANK_CODES);
  const account = String(prng.int(0, 9_999_999_999)).padStart(10, '0');
  const letters = [...`${bank}NL`].map((c) => String(c.charCodeAt(0) - 55)).join('');
  const check = 98n - (BigInt(`${letters.slice(0, 8)}${account}${letters.slice(8)}00`) % 97n);
  return `NL${String(check).padStart(2, '0')}${bank}${account}`;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/b\.v\./g, '')
    .replace(/[^a-z0-9]+/g, '');
}

interface Party {
  name: string;
  searchName: string;
  street: string;
  city: string;
  phone: string;
  email: string;
  iban: string;
  vatNr: string;
  cocNr: string;
  created: number;
  modified: number;
}

function party(prng: Prng, trade: string, family: string, options: MasterDataOptions): Party {
  const name = prng.chance(0.4) ? `${trade} ${family} B.V.` : `${trade} ${family}`;
  const firstYear = Math.min(...options.years);
  const earliest = wallSecondsOf(firstYear - 3, 1, 1);
  const span = Math.max(1, Math.floor((options.asOfWall - earliest) / WALL_SECONDS_PER_DAY) - 1);
  const createdDay = earliest + prng.int(0, span - 1) * WALL_SECONDS_PER_DAY;
  const created = createdDay + prng.int(7 * 3600, 18 * 3600);
  const changed = prng.chance(0.3);
  const remainingDays = Math.floor((options.asOfWall - created) / WALL_SECONDS_PER_DAY) - 1;
  const modified =
    changed && remainingDays > 1
      ? createdDayPlus(created, prng.int(1, remainingDays), prng.int(7 * 3600, 18 * 3600))
      : created;
  return {
    name,
    searchName: family.toUpperCase().replace(/[^A-Z]/g, ''),
    street: `${prng.pick(STREETS)} ${prng.int(1, 250)}`,
    city: `${prng.int(1000, 9999)} ${String.fromCharCode(65 + prng.int(0, 25))}${String.fromCharCode(65 + prng.int(0, 25))} ${prng.pick(CITIES)}`,
    phone: `0${prng.int(10, 79)}-${prng.int(1_000_000, 9_999_999)}`,
    email: `info@${slug(`${trade}${family}`)}.nl`,
    iban: iban(prng),
    vatNr: `NL${String(prng.int(0, 999_999_999)).padStart(9, '0')}B01`,
    cocNr: String(prng.int(10_000_000, 99_999_999)),
    created,
    modified,
  };
}

function createdDayPlus(created: number, days: number, timeOfDay: number): number {
  const day = Math.floor(created / WALL_SECONDS_PER_DAY) + days;
  return day * WALL_SECONDS_PER_DAY + timeOfDay;
}

function combination(index: number, trades: readonly string[]): { trade: string; family: string } {
  const total = trades.length * FAMILY_NAMES.length;
  const spread = (index * 7) % total;
  return {
    trade: trades[spread % trades.length] as string,
    family: FAMILY_NAMES[Math.floor(spread / trades.length) % FAMILY_NAMES.length] as string,
  };
}

export function debtorRows(options: MasterDataOptions): Row[] {
  return Array.from({ length: DEBTOR_COUNT }, (_, i) => {
    const prng = new Prng(options.seed, 2_001, i);
    const { trade, family } = combination(i, CUSTOMER_TRADES);
    const p = party(prng, trade, family, options);
    return {
      DebtorId: debtorId(i),
      DebtorName: p.name,
      BcCo: String(100_000 + i + 1),
      SearchName: p.searchName,
      AdressLine1: p.street,
      AdressLine3: p.city,
      AdressLine4: prng.chance(0.2) ? 'Nederland' : null,
      TelNr: p.phone,
      Email: p.email,
      IBAN: p.iban,
      VatNr: p.vatNr,
      ChOfCommNr: p.cocNr,
      CollectAccount: DEBTOR_COLLECT_ACCOUNT,
      PayCon: prng.pick(['14', '30', '30', '60']),
      VatDuty: 'J',
      Blocked: prng.chance(0.02),
      CreditLimit: prng.int(1, 20) * 250_000,
      CurrencyId: 'EUR',
      AutoPayment: prng.chance(0.25),
      CreateDate: p.created,
      ModifiedDate: p.modified,
    };
  });
}

export function creditorRows(options: MasterDataOptions): Row[] {
  return Array.from({ length: CREDITOR_COUNT }, (_, i) => {
    const prng = new Prng(options.seed, 3_001, i);
    const { trade, family } = combination(i, SUPPLIER_TRADES);
    const p = party(prng, trade, family, options);
    return {
      CreditorId: creditorId(i),
      CreditorName: p.name,
      BcCo: String(200_000 + i + 1),
      SearchName: p.searchName,
      Adressline1: p.street,
      Adressline3: p.city,
      Adressline4: prng.chance(0.2) ? 'Nederland' : null,
      TelNr: p.phone,
      Email: p.email,
      IBAN: p.iban,
      'Btw-nummer': p.vatNr,
      ChOfCommNr: p.cocNr,
      PaymentCondition: prng.pick(['14', '30', '30']),
      CreditLimit: null,
      TempBlocked: prng.chance(0.03),
      VatDuty: 'J',
      AutoPayment: prng.chance(0.5),
      Blocked: false,
      CreateDate: p.created,
      ModifiedDate: p.modified,
    };
  });
}

export { CREDITOR_COLLECT_ACCOUNT, DEBTOR_COLLECT_ACCOUNT };
