// Hostile GetConnectors for test/sync/hostile-input.test.ts, registered through the simulator's
// `/__sim/custom-connectors`. Rows are JSON texts served byte for byte, so they can carry number
// literals no float holds and `\ud800` escapes.
import { createHash } from 'node:crypto';

type FieldType = 'string' | 'int' | 'decimal' | 'date' | 'boolean';

export interface HostileConnector {
  id: string;
  fields: { id: string; dataType: FieldType; decimals?: number }[];
  rows: string[];
}

export const SQL_HOSTILE_FIELD = 'a"; drop table x; --';

/** 5 MB of text with every character COPY's text format escapes, plus multi-byte ones. */
const HUGE_UNIT = 'tab\there, back\\slash, new\nline, cr\r, € and 😀 | ';
export const HUGE_TEXT = HUGE_UNIT.repeat(Math.ceil((5 * 1024 * 1024) / Buffer.byteLength(HUGE_UNIT)));
export const HUGE_TEXT_MD5 = createHash('md5').update(HUGE_TEXT, 'utf8').digest('hex');
/** PostgreSQL's length(): characters (code points), not UTF-16 units. */
export const HUGE_TEXT_CHARS = (HUGE_TEXT.length / HUGE_UNIT.length) * [...HUGE_UNIT].length;

export const UNICODE_TEXT =
  'emoji 😀👩‍👩‍👧 RTL مرحبا שלום, combining e\u0301 n\u0303 Z\u0351\u0358, override \u202Eevil\u202C, zero\u200Bwidth';
/** Lone surrogates written as JSON escapes; they must land as U+FFFD. */
export const LONE_SURROGATES_JSON = 'lone \\ud800 high, lone \\udc00 low, pair \\ud83d\\ude00 kept';
export const LONE_SURROGATES_STORED = 'lone \uFFFD high, lone \uFFFD low, pair 😀 kept';

export const BIG_DECIMAL = '123456789012345678901234567890.123456789012345678901234567890';
export const TINY_DECIMAL = '-0.000000000000000000000000000001';

const json = (value: unknown) => JSON.stringify(value);

/** vat_codes: every value here must be stored exactly (or, for lone surrogates, as U+FFFD). */
export const STORED: HostileConnector = {
  id: 'Hostile_VAT_code',
  fields: [
    { id: 'VatCode', dataType: 'string' },
    { id: SQL_HOSTILE_FIELD, dataType: 'string' },
    { id: 'Nummer debiteur', dataType: 'string' },
    { id: 'Btw-nummer', dataType: 'string' },
    { id: 'constructor', dataType: 'string' },
    { id: 'Bedrag', dataType: 'decimal', decimals: 2 },
    { id: 'Omschrijving', dataType: 'string' },
    { id: 'Groot', dataType: 'string' },
    { id: 'Datum', dataType: 'date' },
    { id: 'Aantal', dataType: 'int' },
    { id: 'Actief', dataType: 'boolean' },
  ],
  rows: [
    `{"VatCode":"H1",${json(SQL_HOSTILE_FIELD)}:"Robert'); DROP TABLE x;--","Nummer debiteur":"10001",` +
      `"Btw-nummer":"NL001234567B01","constructor":"ctor","Bedrag":${BIG_DECIMAL},` +
      `"Omschrijving":${json(UNICODE_TEXT)},"Groot":${json(HUGE_TEXT)},"Datum":"2024-02-29T13:45:00Z",` +
      `"Aantal":9007199254740993,"Actief":true}`,
    `{"VatCode":"H2",${json(SQL_HOSTILE_FIELD)}:null,"Nummer debiteur":10002,"Btw-nummer":"",` +
      `"constructor":null,"Bedrag":"${TINY_DECIMAL}","Omschrijving":"${LONE_SURROGATES_JSON}","Groot":null,` +
      `"Datum":"2024-07-01T00:00:00Z","Aantal":-9223372036854775808,"Actief":false}`,
    // H3 omits most fields; the duplicate of H1 below is identical and is stored once.
    `{"VatCode":"H3","Aantal":null}`,
  ],
};
STORED.rows.push(STORED.rows[0] as string);

interface Rejected extends HostileConnector {
  dataset: string;
  administration: number;
  message: string;
}

/** One dataset each: the sync must fail exactly that dataset, with exactly this message. */
export const REJECTED: Rejected[] = [
  {
    dataset: 'gl_accounts',
    administration: 0,
    id: 'Hostile_Accounts',
    fields: [
      { id: 'Account', dataType: 'string' },
      { id: 'Aantal', dataType: 'int' },
    ],
    rows: ['{"Account":"8000","Aantal":5}', '{"Account":"8001","Aantal":"12abc"}'],
    message: `connector Hostile_Accounts, row (Account="8001"), field 'Aantal': expected an integer, got "12abc" (string)`,
  },
  {
    dataset: 'debtors',
    administration: 0,
    id: 'Hostile_Debtor',
    fields: [
      { id: 'DebtorId', dataType: 'string' },
      { id: 'DebtorName', dataType: 'string' },
      { id: 'ModifiedDate', dataType: 'date' },
    ],
    rows: ['{"DebtorId":null,"DebtorName":"Nobody","ModifiedDate":"2024-01-01T00:00:00Z"}'],
    message: `connector Hostile_Debtor, row (DebtorId=null), field 'DebtorId': key field is empty (row 0 of the page at skip 0)`,
  },
  {
    dataset: 'creditors',
    administration: 0,
    id: 'Hostile_Creditor',
    fields: [
      { id: 'CreditorId', dataType: 'string' },
      { id: 'ModifiedDate', dataType: 'date' },
      { id: 'Vervaldatum', dataType: 'date' },
    ],
    rows: [
      '{"CreditorId":"20001","ModifiedDate":"2024-01-01T00:00:00Z","Vervaldatum":"2023-02-30T00:00:00Z"}',
    ],
    message:
      `connector Hostile_Creditor, row (CreditorId="20001"), field 'Vervaldatum': ` +
      `expected a date like 2024-03-31T00:00:00Z, got "2023-02-30T00:00:00Z" (string)`,
  },
  {
    dataset: 'journals',
    administration: 1,
    id: 'Hostile_Journals',
    fields: [
      { id: 'UnitId', dataType: 'int' },
      { id: 'JournalId', dataType: 'string' },
      { id: 'Description', dataType: 'string' },
    ],
    rows: [
      '{"UnitId":1,"JournalId":"10","Description":"Kas"}',
      '{"UnitId":1,"JournalId":"10","Description":"Bank"}',
    ],
    message: `connector Hostile_Journals returned different rows with the same key (UnitId=1, JournalId="10")`,
  },
  {
    dataset: 'periods',
    administration: 1,
    id: 'Hostile_Periods',
    fields: [
      { id: 'Unit', dataType: 'int' },
      { id: 'Year', dataType: 'int' },
      { id: 'Period', dataType: 'int' },
    ],
    rows: ['{"Unit":1,"Year":99999999999999999999,"Period":1}'],
    message:
      `connector Hostile_Periods, row (Unit=1, Year="99999999999999999999", Period=1), field 'Year': ` +
      'integer 99999999999999999999 is outside the 64-bit range of a bigint column',
  },
  {
    dataset: 'allocation_assignments',
    administration: 1,
    id: 'Hostile_Allocation',
    fields: [
      { id: 'Unit', dataType: 'int' },
      { id: 'Account', dataType: 'string' },
      { id: 'DimAx', dataType: 'int' },
      { id: 'DimCode', dataType: 'string' },
      { id: 'CodeDescription', dataType: 'string' },
    ],
    rows: ['{"Unit":1,"Account":"4000","DimAx":1,"DimCode":"100","CodeDescription":"nul\\u0000byte"}'],
    message:
      `connector Hostile_Allocation, row (Unit=1, Account="4000", DimAx=1, DimCode="100"), ` +
      `field 'CodeDescription': contains a NUL character, which PostgreSQL text cannot hold`,
  },
  {
    dataset: 'period_balances',
    administration: 1,
    id: 'Hostile_Period_balance',
    fields: [
      { id: 'UnitId', dataType: 'int' },
      { id: 'Year', dataType: 'int' },
      { id: 'Period', dataType: 'int' },
      { id: 'AccountNr', dataType: 'string' },
      { id: 'Balance', dataType: 'decimal' },
    ],
    rows: ['{"UnitId":1,"Year":2024,"Period":1,"AccountNr":"8000","Balance":"1.2.3"}'],
    message:
      `connector Hostile_Period_balance, row (UnitId=1, Year=2024, Period=1, AccountNr="8000"), ` +
      `field 'Balance': expected a decimal number, got "1.2.3" (string)`,
  },
];

/** The source's connectorMap: vat_codes and every rejected dataset on its hostile connector. */
export const CONNECTOR_MAP: Record<string, string> = {
  vat_codes: STORED.id,
  ...Object.fromEntries(REJECTED.map((connector) => [connector.dataset, connector.id])),
};

const LONG_FIELD = `Omschrijving_${'x'.repeat(60)}`;

/** Connectors whose metainfo itself can't become a table: the dataset fails before any row. */
export const SCHEMA_REJECTED: Rejected[] = [
  {
    dataset: 'gl_accounts',
    administration: 0,
    id: 'Clash_Accounts',
    fields: [
      { id: 'Account', dataType: 'string' },
      { id: '_raw', dataType: 'string' },
    ],
    rows: ['{"Account":"8000","_raw":"x"}'],
    message: `connector Clash_Accounts field '_raw' collides with a metadata column`,
  },
  {
    dataset: 'vat_codes',
    administration: 0,
    id: 'Clash_VAT_code',
    fields: [
      { id: 'VatCode', dataType: 'string' },
      { id: LONG_FIELD, dataType: 'string' },
    ],
    rows: ['{"VatCode":"1"}'],
    message: `connector Clash_VAT_code field id '${LONG_FIELD}' is longer than PostgreSQL's 63-byte identifier limit`,
  },
  {
    dataset: 'debtors',
    administration: 0,
    id: 'Clash_Debtor',
    fields: [
      { id: 'DebtorId', dataType: 'string' },
      { id: 'ModifiedDate', dataType: 'string' },
    ],
    rows: ['{"DebtorId":"1","ModifiedDate":"gisteren"}'],
    message: `connector Clash_Debtor field 'ModifiedDate' (modified of dataset debtors) has type string; expected date`,
  },
];

/**
 * A changed-booking-days connector whose change stamp is no date-time (long enough to pass a
 * length check): read as a watermark it would poison every later sync of the journal lines.
 */
export const BAD_CHANGE_STAMP: HostileConnector = {
  id: 'Hostile_ChangedEntrydate',
  fields: [
    { id: 'EntryDate', dataType: 'date' },
    { id: 'Modified', dataType: 'string' },
  ],
  rows: ['{"EntryDate":"2025-01-02T00:00:00Z","Modified":"yesterday, around noon or so"}'],
};
