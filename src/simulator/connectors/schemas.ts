import type { DataType, FieldSpec, LocalizedText, SourceName, SourceSchema } from './types.js';

/** Compact field declaration: [id, dataType, length, NL label, EN label, options]. */
type FieldDeclaration = readonly [
  id: string,
  dataType: DataType,
  length: number,
  nl: string,
  en: string,
  options?: { decimals?: number; controlType?: number; fieldId?: string },
];

function fields(declarations: readonly FieldDeclaration[]): FieldSpec[] {
  return declarations.map(([id, dataType, length, nl, en, options], index) => {
    const label: LocalizedText = { nl, en };
    return {
      id,
      fieldId: options?.fieldId ?? `U${String(index + 1).padStart(3, '0')}`,
      dataType,
      length,
      decimals: options?.decimals ?? (dataType === 'decimal' ? 2 : 0),
      controlType: options?.controlType ?? 1,
      label,
    };
  });
}

const CODE = { controlType: 5 } as const;

/**
 * Field lists of the standard Profit financial GetConnectors (reference §8.1), quirks included:
 * `AdressLine1` vs `Adressline1`, the hyphenated `Btw-nummer`, `Unit` vs `UnitId`, and the
 * `U002`/`U001`/`UnCo` field codes of Profit_Administrations.
 */
export const SOURCE_SCHEMAS: Readonly<Record<SourceName, SourceSchema>> = {
  administrations: {
    keyFields: ['AdminId'],
    fields: fields([
      ['AdminId', 'int', 3, 'Administratie', 'Administration', { controlType: 5, fieldId: 'U002' }],
      ['AdminNm', 'string', 80, 'Naam administratie', 'Administration name', { fieldId: 'U001' }],
      ['AdminCd', 'string', 10, 'Administratie', 'Administration', { fieldId: 'UnCo' }],
    ]),
  },
  finstackAdministrations: {
    keyFields: ['AdministrationId'],
    fields: fields([
      ['AdministrationId', 'int', 3, 'Administratie', 'Administration', CODE],
      ['AdministrationName', 'string', 80, 'Naam administratie', 'Administration name'],
    ]),
  },
  accounts: {
    keyFields: ['Account'],
    fields: fields([
      ['Account', 'string', 16, 'Rekeningnummer', 'Account number', CODE],
      ['Description', 'string', 50, 'Omschrijving', 'Description'],
      ['Type', 'string', 1, 'Type rekening', 'Account type', CODE],
      ['Sort', 'string', 1, 'Soort rekening', 'Account kind', CODE],
      ['Blocked', 'boolean', 1, 'Geblokkeerd', 'Blocked'],
      ['CollectAccount', 'boolean', 1, 'Verzamelrekening', 'Collective account'],
      ['CollectAccountType', 'string', 1, 'Type verzamelrekening', 'Collective account type', CODE],
      ['Feature', 'string', 3, 'Kenmerk rekening', 'Account feature', CODE],
      ['CollectOn', 'string', 16, 'Verzamelen op', 'Collect on', CODE],
      ['VatAllowed', 'boolean', 1, 'Btw toegestaan', 'VAT allowed'],
      ['VatCode', 'string', 3, 'Btw-code', 'VAT code', CODE],
      ['Budget', 'string', 1, 'Budgetteren', 'Budgeting', CODE],
      ['ToProject', 'string', 1, 'Doorboeken projecten', 'Post to projects', CODE],
      ['DimAx1', 'string', 1, 'Verbijzonderingsas 1', 'Allocation axis 1', CODE],
      ['DimAx2', 'string', 1, 'Verbijzonderingsas 2', 'Allocation axis 2', CODE],
      ['DimAx3', 'string', 1, 'Verbijzonderingsas 3', 'Allocation axis 3', CODE],
      ['DimAx4', 'string', 1, 'Verbijzonderingsas 4', 'Allocation axis 4', CODE],
      ['DimAx5', 'string', 1, 'Verbijzonderingsas 5', 'Allocation axis 5', CODE],
    ]),
  },
  journals: {
    keyFields: ['UnitId', 'JournalId'],
    fields: fields([
      ['UnitId', 'int', 3, 'Administratie', 'Administration', CODE],
      ['JournalId', 'string', 10, 'Code dagboek', 'Journal code', CODE],
      ['Description', 'string', 50, 'Omschrijving', 'Description'],
      ['JournalType', 'string', 3, 'Dagboeksoort', 'Journal type', CODE],
      ['Blocked', 'boolean', 1, 'Geblokkeerd', 'Blocked'],
    ]),
  },
  periods: {
    keyFields: ['Unit', 'Year', 'Period'],
    fields: fields([
      ['Unit', 'int', 3, 'Administratie', 'Administration', CODE],
      ['Year', 'int', 4, 'Boekjaar', 'Financial year'],
      ['Period', 'int', 3, 'Periode', 'Period'],
      ['PeriodDesc', 'string', 50, 'Omschrijving periode', 'Period description'],
      ['DateFrom', 'date', 10, 'Datum vanaf', 'Date from'],
      ['DateTo', 'date', 10, 'Datum t/m', 'Date to'],
      ['Blocked', 'boolean', 1, 'Geblokkeerd', 'Blocked'],
      ['Periodtable', 'int', 3, 'Periodetabel', 'Period table', CODE],
      ['TableDesc', 'string', 50, 'Omschrijving periodetabel', 'Period table description'],
    ]),
  },
  journalLines: {
    keyFields: ['UnitId', 'EntryNo', 'SeqNo'],
    fields: fields([
      ['UnitId', 'int', 3, 'Administratie', 'Administration', CODE],
      ['EntryNo', 'int', 9, 'Nummer journaalpost', 'Journal entry number'],
      ['SeqNo', 'int', 9, 'Volgnummer journaalpost', 'Journal entry sequence number'],
      ['Year', 'int', 4, 'Jaar', 'Year'],
      ['Period', 'int', 3, 'Periodenummer', 'Period number'],
      ['JournalId', 'string', 10, 'Code dagboek', 'Journal code', CODE],
      ['AccountNo', 'string', 16, 'Rekeningnummer', 'Account number', CODE],
      ['AmtDebit', 'decimal', 18, 'Bedrag debet', 'Amount debit'],
      ['AmtCredit', 'decimal', 18, 'Bedrag credit', 'Amount credit'],
      ['EntryDate', 'date', 10, 'Datum boeking', 'Date entry'],
      ['InvoiceId', 'string', 20, 'Factuurnummer', 'Invoice number'],
      ['VoucherDate', 'date', 10, 'Boekstukdatum', 'Voucher date'],
      ['VoucherNo', 'string', 20, 'Boekstuknummer', 'Entry (voucher) number'],
      ['VatCode', 'string', 3, 'Btw-code', 'VAT code', CODE],
      ['VatAmt', 'decimal', 18, 'Btw-bedrag', 'VAT amount'],
      ['Description', 'string', 255, 'Omschrijving boeking', 'Description entry'],
      ['Created', 'date', 19, 'Datum toegevoegd', 'Date created'],
      ['Modified', 'date', 19, 'Datum gewijzigd', 'Date changed'],
    ]),
  },
  changedEntryDates: {
    keyFields: ['EntryDate'],
    fields: fields([
      ['EntryDate', 'date', 10, 'Datum boeking', 'Date entry'],
      ['Modified', 'date', 19, 'Datum gewijzigd', 'Date changed'],
    ]),
  },
  debtors: {
    keyFields: ['DebtorId'],
    fields: fields([
      ['DebtorId', 'string', 16, 'Nummer debiteur', 'Debtor number', CODE],
      ['DebtorName', 'string', 255, 'Naam debiteur', 'Debtor name'],
      ['BcCo', 'string', 15, 'Nummer organisatie/persoon', 'Organisation/person number', CODE],
      ['SearchName', 'string', 50, 'Zoeknaam', 'Search name'],
      ['AdressLine1', 'string', 255, 'Adresregel 1', 'Address line 1'],
      ['AdressLine3', 'string', 255, 'Adresregel 3', 'Address line 3'],
      ['AdressLine4', 'string', 255, 'Adresregel 4', 'Address line 4'],
      ['TelNr', 'string', 20, 'Telefoonnummer', 'Telephone number'],
      ['Email', 'string', 255, 'E-mail', 'Email'],
      ['IBAN', 'string', 34, 'IBAN', 'IBAN'],
      ['VatNr', 'string', 20, 'Btw-nummer', 'VAT number'],
      ['ChOfCommNr', 'string', 20, 'Nummer KvK', 'Chamber of Commerce number'],
      ['CollectAccount', 'string', 16, 'Verzamelrekening', 'Collective account', CODE],
      ['PayCon', 'string', 3, 'Betalingsvoorwaarde', 'Payment condition', CODE],
      ['VatDuty', 'string', 1, 'Btw-plicht', 'VAT duty', CODE],
      ['Blocked', 'boolean', 1, 'Geblokkeerd', 'Blocked'],
      ['CreditLimit', 'decimal', 18, 'Kredietlimiet', 'Credit limit'],
      ['CurrencyId', 'string', 3, 'Valuta', 'Currency', CODE],
      ['AutoPayment', 'boolean', 1, 'Automatisch betalen', 'Automatic payment'],
      ['CreateDate', 'date', 19, 'Datum aanmaak', 'Date created'],
      ['ModifiedDate', 'date', 19, 'Datum gewijzigd', 'Date changed'],
    ]),
  },
  creditors: {
    keyFields: ['CreditorId'],
    fields: fields([
      ['CreditorId', 'string', 16, 'Nummer crediteur', 'Creditor number', CODE],
      ['CreditorName', 'string', 255, 'Naam crediteur', 'Creditor name'],
      ['BcCo', 'string', 15, 'Nummer organisatie/persoon', 'Organisation/person number', CODE],
      ['SearchName', 'string', 50, 'Zoeknaam', 'Search name'],
      ['Adressline1', 'string', 255, 'Adresregel 1', 'Address line 1'],
      ['Adressline3', 'string', 255, 'Adresregel 3', 'Address line 3'],
      ['Adressline4', 'string', 255, 'Adresregel 4', 'Address line 4'],
      ['TelNr', 'string', 20, 'Telefoonnummer', 'Telephone number'],
      ['Email', 'string', 255, 'E-mail', 'Email'],
      ['IBAN', 'string', 34, 'IBAN', 'IBAN'],
      ['Btw-nummer', 'string', 20, 'Btw-nummer', 'VAT number'],
      ['ChOfCommNr', 'string', 20, 'Nummer KvK', 'Chamber of Commerce number'],
      ['PaymentCondition', 'string', 3, 'Betalingsvoorwaarde', 'Payment condition', CODE],
      ['CreditLimit', 'decimal', 18, 'Kredietlimiet', 'Credit limit'],
      ['TempBlocked', 'boolean', 1, 'Tijdelijk geblokkeerd', 'Temporarily blocked'],
      ['VatDuty', 'string', 1, 'Btw-plicht', 'VAT duty', CODE],
      ['AutoPayment', 'boolean', 1, 'Automatisch betalen', 'Automatic payment'],
      ['Blocked', 'boolean', 1, 'Geblokkeerd', 'Blocked'],
      ['CreateDate', 'date', 19, 'Datum aanmaak', 'Date created'],
      ['ModifiedDate', 'date', 19, 'Datum gewijzigd', 'Date changed'],
    ]),
  },
  vatCodes: {
    keyFields: ['VatCode'],
    fields: fields([
      ['VatCode', 'string', 3, 'Btw-code', 'VAT code', CODE],
      ['Description', 'string', 50, 'Omschrijving', 'Description'],
      ['AccountNr', 'string', 16, 'Rekening', 'Account', CODE],
      ['VatPerc', 'decimal', 5, 'Tarief', 'Rate'],
      ['VatDuty', 'string', 1, 'Btw-plicht', 'VAT duty', CODE],
      ['Blocked', 'boolean', 1, 'Geblokkeerd', 'Blocked'],
      ['VatMethod', 'string', 1, 'Berekeningsmethode', 'Calculation method', CODE],
      ['VatType', 'string', 1, 'Type btw-code', 'VAT type', CODE],
    ]),
  },
  periodBalances: {
    keyFields: ['UnitId', 'Year', 'Period', 'AccountNr'],
    fields: fields([
      ['UnitId', 'int', 3, 'Administratie', 'Administration', CODE],
      ['Year', 'int', 4, 'Boekjaar', 'Financial year'],
      ['Period', 'int', 3, 'Periode', 'Period'],
      ['AccountNr', 'string', 16, 'Rekeningnummer', 'Account number', CODE],
      ['AccountDesc', 'string', 50, 'Omschrijving rekening', 'Account description'],
      ['Credit', 'decimal', 18, 'Credit', 'Credit'],
      ['Debit', 'decimal', 18, 'Debet', 'Debit'],
      ['Balance', 'decimal', 18, 'Saldo', 'Balance'],
      ['Budget', 'decimal', 18, 'Bedrag budget', 'Budget amount'],
    ]),
  },
  allocationAssignments: {
    keyFields: ['Unit', 'Account', 'DimAx', 'DimCode'],
    fields: fields([
      ['Unit', 'int', 3, 'Administratie', 'Administration', CODE],
      ['Account', 'string', 16, 'Rekeningnummer', 'Account number', CODE],
      ['DimAx', 'int', 1, 'Verbijzonderingsas', 'Allocation axis', CODE],
      ['AxDescription', 'string', 50, 'Omschrijving as', 'Axis description'],
      ['DimCode', 'string', 16, 'Code verbijzondering', 'Allocation code', CODE],
      ['CodeDescription', 'string', 50, 'Omschrijving verbijzondering', 'Allocation code description'],
    ]),
  },
};
