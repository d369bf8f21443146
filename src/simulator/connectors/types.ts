/** Declarative shapes of the simulated GetConnectors. */

export type DataType = 'string' | 'int' | 'decimal' | 'date' | 'boolean';

export type Language = 'nl-nl' | 'en-us';

/** A text in the two languages the simulator speaks. */
export interface LocalizedText {
  readonly nl: string;
  readonly en: string;
}

export function localize(text: LocalizedText, language: Language): string {
  return language === 'en-us' ? text.en : text.nl;
}

export interface FieldSpec {
  /** The JSON property name, also used in filterfieldids/orderbyfieldids. */
  readonly id: string;
  /** Internal Profit column code shown in metainfo (U001, U002, … or a native code like UnCo). */
  readonly fieldId: string;
  readonly dataType: DataType;
  readonly length: number;
  /** Number of decimals; decimal values are stored as integers scaled by 10^decimals. */
  readonly decimals: number;
  readonly controlType: number;
  readonly label: LocalizedText;
}

/** The data sources behind the connectors; Profit_X and Finstack_X share a source. */
export type SourceName =
  | 'administrations'
  | 'finstackAdministrations'
  | 'accounts'
  | 'journals'
  | 'periods'
  | 'journalLines'
  | 'changedEntryDates'
  | 'debtors'
  | 'creditors'
  | 'vatCodes'
  | 'periodBalances'
  | 'allocationAssignments';

export interface SourceSchema {
  readonly fields: readonly FieldSpec[];
  /** Unique key, also the order of the control API export. */
  readonly keyFields: readonly string[];
}

export interface GetConnectorSpec {
  readonly id: string;
  readonly description: LocalizedText;
  readonly source: SourceName;
  readonly fields: readonly FieldSpec[];
  readonly keyFields: readonly string[];
}
