/**
 * The fixed environment-wide set-up: chart of accounts, VAT codes, journals, allocation axes.
 *
 * Allocation settings on accounts (`DimAx1..5`) use simulator codes: `N` = no allocation,
 * `O` = optional, `V` = mandatory (FiEntries then needs a FiDimEntries code on that axis).
 */

export interface ChartAccount {
  readonly account: string;
  readonly description: string;
  /** B = balance sheet, R = profit and loss. */
  readonly type: 'B' | 'R';
  /** 1 assets, 2 liabilities, 3 revenue, 4 costs. */
  readonly sort: '1' | '2' | '3' | '4';
  readonly collectType?: 'D' | 'C';
  readonly feature?: string;
  readonly vatCode?: string;
  readonly dimAx1?: 'N' | 'O' | 'V';
  readonly dimAx2?: 'N' | 'O' | 'V';
}

export const CHART_OF_ACCOUNTS: readonly ChartAccount[] = [
  { account: '0100', description: 'Gebouwen', type: 'B', sort: '1' },
  { account: '0200', description: 'Inventaris', type: 'B', sort: '1' },
  { account: '0250', description: 'Afschrijving inventaris', type: 'B', sort: '1' },
  { account: '0500', description: 'Eigen vermogen', type: 'B', sort: '2' },
  { account: '1000', description: 'Kas', type: 'B', sort: '1', feature: 'KAS' },
  { account: '1100', description: 'Bank', type: 'B', sort: '1', feature: 'BNK' },
  { account: '1300', description: 'Debiteuren', type: 'B', sort: '1', collectType: 'D' },
  { account: '1500', description: 'Te vorderen btw', type: 'B', sort: '1', feature: 'BTW' },
  { account: '1510', description: 'Af te dragen btw hoog', type: 'B', sort: '2', feature: 'BTW' },
  { account: '1520', description: 'Af te dragen btw laag', type: 'B', sort: '2', feature: 'BTW' },
  { account: '1600', description: 'Crediteuren', type: 'B', sort: '2', collectType: 'C' },
  { account: '1700', description: 'Nog te betalen kosten', type: 'B', sort: '2' },
  { account: '4000', description: 'Lonen en salarissen', type: 'R', sort: '4', dimAx1: 'V' },
  { account: '4010', description: 'Sociale lasten', type: 'R', sort: '4', dimAx1: 'V' },
  { account: '4100', description: 'Huur', type: 'R', sort: '4', vatCode: '4', dimAx1: 'V' },
  { account: '4200', description: 'Energie', type: 'R', sort: '4', vatCode: '4', dimAx1: 'O' },
  { account: '4300', description: 'Kantoorkosten', type: 'R', sort: '4', vatCode: '4', dimAx1: 'O' },
  { account: '4400', description: 'Autokosten', type: 'R', sort: '4', vatCode: '4', dimAx1: 'V' },
  { account: '4500', description: 'Verkoopkosten', type: 'R', sort: '4', vatCode: '4', dimAx1: 'O' },
  { account: '4600', description: 'Advieskosten', type: 'R', sort: '4', vatCode: '4', dimAx1: 'O' },
  { account: '4700', description: 'Afschrijvingen', type: 'R', sort: '4' },
  { account: '4900', description: 'Algemene kosten', type: 'R', sort: '4', vatCode: '4', dimAx1: 'O' },
  { account: '7000', description: 'Inkoopwaarde omzet', type: 'R', sort: '4', vatCode: '4' },
  { account: '8000', description: 'Omzet hoog', type: 'R', sort: '3', vatCode: '1', dimAx2: 'O' },
  { account: '8010', description: 'Omzet laag', type: 'R', sort: '3', vatCode: '2', dimAx2: 'O' },
  { account: '8074', description: 'Omzet diensten', type: 'R', sort: '3', vatCode: '1', dimAx1: 'V' },
  { account: '8900', description: 'Overige opbrengsten', type: 'R', sort: '3' },
  { account: '9000', description: 'Rentebaten en -lasten', type: 'R', sort: '3' },
];

export interface VatCodeSetup {
  readonly code: string;
  readonly description: string;
  readonly account: string | null;
  /** Percentage × 100 (decimal with 2 decimals). */
  readonly percentage: number;
  readonly type: 'V' | 'I' | 'G';
}

export const VAT_CODES: readonly VatCodeSetup[] = [
  { code: '0', description: 'Geen btw', account: null, percentage: 0, type: 'G' },
  { code: '1', description: 'Btw hoog verkoop', account: '1510', percentage: 2100, type: 'V' },
  { code: '2', description: 'Btw laag verkoop', account: '1520', percentage: 900, type: 'V' },
  { code: '3', description: 'Btw verlegd', account: null, percentage: 0, type: 'G' },
  { code: '4', description: 'Btw hoog inkoop', account: '1500', percentage: 2100, type: 'I' },
  { code: '5', description: 'Btw laag inkoop', account: '1500', percentage: 900, type: 'I' },
];

export const JOURNALS = [
  { id: '10', description: 'Kas', type: 'KAS' },
  { id: '20', description: 'Bank', type: 'BNK' },
  { id: '60', description: 'Inkoopboek', type: 'INK' },
  { id: '70', description: 'Verkoopboek', type: 'VRK' },
  { id: '90', description: 'Memoriaal', type: 'MEM' },
] as const;

export const JOURNAL_IDS = {
  cash: '10',
  bank: '20',
  purchase: '60',
  sales: '70',
  memorial: '90',
} as const;

export interface AllocationAxis {
  readonly axis: number;
  readonly description: { readonly nl: string; readonly en: string };
  readonly codes: readonly { readonly code: string; readonly description: string }[];
}

export const ALLOCATION_AXES: readonly AllocationAxis[] = [
  {
    axis: 1,
    description: { nl: 'Kostenplaats', en: 'Cost center' },
    codes: [
      { code: '100', description: 'Directie' },
      { code: '200', description: 'Verkoop' },
      { code: '300', description: 'Inkoop' },
      { code: '400', description: 'ICT' },
      { code: '500', description: 'Facilitair' },
    ],
  },
  {
    axis: 2,
    description: { nl: 'Kostendrager', en: 'Cost carrier' },
    codes: [
      { code: 'KD01', description: 'Producten' },
      { code: 'KD02', description: 'Diensten' },
    ],
  },
];

/** Assignments the generator leaves out on purpose, to exercise the "no assignment" validation. */
export const MISSING_ASSIGNMENTS: readonly { account: string; axis: number; code: string }[] = [
  { account: '8074', axis: 1, code: '500' },
];

export const DEBTOR_COLLECT_ACCOUNT = '1300';
export const CREDITOR_COLLECT_ACCOUNT = '1600';
