import type { DataType, LocalizedText } from './types.js';

/** UpdateConnector metainfo (reference §3.3): note `notzero`, singular `decimalFieldId`, `values`. */
export interface UpdateFieldSpec {
  readonly fieldId: string;
  readonly primaryKey: boolean;
  readonly dataType: DataType;
  readonly label: LocalizedText;
  readonly mandatory: boolean;
  readonly length: number;
  readonly decimals: number;
  readonly notzero: boolean;
  readonly controlType: number;
  readonly values: readonly { readonly id: string; readonly description: LocalizedText }[] | null;
}

export interface UpdateObjectSpec {
  readonly name: string;
  readonly fields: readonly UpdateFieldSpec[];
  readonly objects: readonly UpdateObjectSpec[];
}

export interface UpdateConnectorSpec {
  readonly id: string;
  readonly description: LocalizedText;
  readonly root: UpdateObjectSpec;
}

type Declaration = readonly [
  fieldId: string,
  dataType: DataType,
  length: number,
  nl: string,
  en: string,
  options?: Partial<
    Pick<UpdateFieldSpec, 'primaryKey' | 'mandatory' | 'decimals' | 'controlType' | 'values'>
  >,
];

function declare(declarations: readonly Declaration[]): UpdateFieldSpec[] {
  return declarations.map(([fieldId, dataType, length, nl, en, options]) => ({
    fieldId,
    primaryKey: options?.primaryKey ?? false,
    dataType,
    label: { nl, en },
    mandatory: options?.mandatory ?? false,
    length,
    decimals: options?.decimals ?? (dataType === 'decimal' ? 2 : 0),
    notzero: false,
    controlType: options?.controlType ?? 1,
    values: options?.values ?? null,
  }));
}

const ACCOUNT_KINDS = [
  { id: '1', description: { nl: 'Grootboekrekening', en: 'Ledger account' } },
  { id: '2', description: { nl: 'Debiteur', en: 'Debtor' } },
  { id: '3', description: { nl: 'Crediteur', en: 'Creditor' } },
] as const;

const DIM_ENTRIES: UpdateObjectSpec = {
  name: 'FiDimEntries',
  objects: [],
  fields: declare([
    ['DiC1', 'string', 16, 'Code verbijzonderingsas 1', 'Allocation code axis 1', { controlType: 5 }],
    ['DiC2', 'string', 16, 'Code verbijzonderingsas 2', 'Allocation code axis 2', { controlType: 5 }],
    ['DiC3', 'string', 16, 'Code verbijzonderingsas 3', 'Allocation code axis 3', { controlType: 5 }],
    ['DiC4', 'string', 16, 'Code verbijzonderingsas 4', 'Allocation code axis 4', { controlType: 5 }],
    ['DiC5', 'string', 16, 'Code verbijzonderingsas 5', 'Allocation code axis 5', { controlType: 5 }],
    ['AmDe', 'decimal', 18, 'Bedrag debet', 'Amount debit'],
    ['AmCr', 'decimal', 18, 'Bedrag credit', 'Amount credit'],
    ['Quan', 'decimal', 18, 'Aantal', 'Quantity', { decimals: 4 }],
  ]),
};

const ENTRY_LINES: UpdateObjectSpec = {
  name: 'FiEntries',
  objects: [DIM_ENTRIES],
  fields: declare([
    ['EnNo', 'int', 9, 'Nummer journaalpost', 'Journal entry number', { primaryKey: true }],
    [
      'VaAs',
      'string',
      1,
      'Kenmerk rekening',
      'Account type',
      { mandatory: true, controlType: 5, values: ACCOUNT_KINDS },
    ],
    ['AcNr', 'string', 16, 'Rekeningnummer', 'Account Number', { mandatory: true, controlType: 5 }],
    ['EnDa', 'date', 10, 'Datum boeking', 'Entry date', { mandatory: true }],
    ['BpDa', 'date', 10, 'Boekstukdatum', 'Voucher date', { mandatory: true }],
    ['BpNr', 'string', 20, 'Boekstuknummer', 'Voucher number'],
    ['InId', 'string', 20, 'Factuurnummer', 'Invoice number'],
    ['Ds', 'string', 255, 'Omschrijving boeking', 'Description'],
    ['AmDe', 'decimal', 18, 'Bedrag debet', 'Amount debit'],
    ['AmCr', 'decimal', 18, 'Bedrag credit', 'Amount credit'],
    ['VaId', 'string', 3, 'Btw-code', 'VAT code', { controlType: 5 }],
    ['DaEx', 'date', 10, 'Vervaldatum', 'Due date'],
    ['CuId', 'string', 3, 'Valuta', 'Currency', { controlType: 5 }],
    ['Rate', 'decimal', 18, 'Valutakoers', 'Exchange rate', { decimals: 6 }],
    ['AmDc', 'decimal', 18, 'Valutabedrag debet', 'Currency amount debit'],
    ['AmCc', 'decimal', 18, 'Valutabedrag credit', 'Currency amount credit'],
  ]),
};

const ENTRY_HEADER: UpdateObjectSpec = {
  name: 'FiEntryPar',
  objects: [ENTRY_LINES],
  fields: declare([
    ['Year', 'int', 4, 'Boekjaar', 'Financial year', { mandatory: true }],
    ['Peri', 'int', 3, 'Periode', 'Period', { mandatory: true }],
    ['UnId', 'int', 3, 'Administratie', 'Administration', { controlType: 5 }],
    ['JoCo', 'string', 10, 'Dagboek', 'Journal', { mandatory: true, controlType: 5 }],
    ['AuNu', 'boolean', 1, 'Autonummering factuur', 'Auto-number invoice'],
    ['PrTp', 'string', 1, 'Soort boeking', 'Entry type', { controlType: 5 }],
    ['AdDc', 'boolean', 1, 'Verbijzonderingscode aanmaken', 'Create allocation code'],
    ['AdDa', 'boolean', 1, 'Toewijzing aanmaken', 'Create allocation assignment'],
  ]),
};

export const FI_ENTRIES: UpdateConnectorSpec = {
  id: 'FiEntries',
  description: { nl: 'Financiële mutaties', en: 'Financial entries' },
  root: ENTRY_HEADER,
};

export const UPDATE_CONNECTORS: readonly UpdateConnectorSpec[] = [FI_ENTRIES];

export function findUpdateConnector(id: string): UpdateConnectorSpec | undefined {
  return UPDATE_CONNECTORS.find((spec) => spec.id === id);
}

/** The label of an UpdateConnector field, for validation messages. */
export function updateFieldLabel(object: UpdateObjectSpec, fieldId: string): LocalizedText {
  const field = object.fields.find((f) => f.fieldId === fieldId);
  if (field === undefined) throw new Error(`UpdateConnector object ${object.name} has no field ${fieldId}`);
  return field.label;
}

export const FI_ENTRY_HEADER = ENTRY_HEADER;
export const FI_ENTRY_LINES = ENTRY_LINES;
export const FI_DIM_ENTRIES = DIM_ENTRIES;
