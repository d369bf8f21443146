import { SOURCE_SCHEMAS } from './schemas.js';
import type { GetConnectorSpec, LocalizedText, SourceName } from './types.js';

interface CatalogEntry {
  readonly suffix: string;
  readonly source: SourceName;
  readonly description: LocalizedText;
}

/** The standard Profit connectors; each is also published as `Finstack_<suffix>` with the same data. */
const STANDARD: readonly CatalogEntry[] = [
  {
    suffix: 'Administrations',
    source: 'administrations',
    description: { nl: 'Administraties (Profit)', en: 'Administrations (Profit)' },
  },
  {
    suffix: 'Accounts',
    source: 'accounts',
    description: { nl: 'Grootboekrekeningen (Financieel)', en: 'Ledger accounts (Finance)' },
  },
  { suffix: 'Journals', source: 'journals', description: { nl: 'Dagboeken', en: 'Journals' } },
  {
    suffix: 'periods_per_administration',
    source: 'periods',
    description: { nl: 'Geblokkeerde perioden per administratie', en: 'Blocked periods per administration' },
  },
  {
    suffix: 'Transactions',
    source: 'journalLines',
    description: { nl: 'Financiële mutaties', en: 'Financial mutations' },
  },
  {
    suffix: 'Fin_ChangedEntrydate',
    source: 'changedEntryDates',
    description: { nl: 'Gewijzigde boekingsdagen mutaties', en: 'Changed entry dates of mutations' },
  },
  { suffix: 'Debtor', source: 'debtors', description: { nl: 'Debiteuren', en: 'Debtors' } },
  { suffix: 'Creditor', source: 'creditors', description: { nl: 'Crediteuren', en: 'Creditors' } },
  { suffix: 'VAT_code', source: 'vatCodes', description: { nl: 'Btw-codes', en: 'VAT codes' } },
  {
    suffix: 'Period_balance',
    source: 'periodBalances',
    description: {
      nl: 'Grootboek (real., budg., reserv. en verpl. /pr.)',
      en: 'General ledger (real., budg., reserv. and oblig. /per.)',
    },
  },
  {
    suffix: 'Allocation_Assigments',
    source: 'allocationAssignments',
    description: { nl: 'Toewijzingen verbijzondering', en: 'Allocation assignments' },
  },
];

function connector(id: string, source: SourceName, description: LocalizedText): GetConnectorSpec {
  const schema = SOURCE_SCHEMAS[source];
  return { id, source, description, fields: schema.fields, keyFields: schema.keyFields };
}

function buildCatalog(): GetConnectorSpec[] {
  const profit = STANDARD.map((entry) =>
    connector(`Profit_${entry.suffix}`, entry.source, entry.description),
  );
  // Finstack ships its own (custom) GetConnector set. Custom connectors describe themselves with
  // their id, and the administrations connector has its own field names and fixed filter.
  const finstack = STANDARD.map((entry) => {
    const id = `Finstack_${entry.suffix}`;
    const source = entry.source === 'administrations' ? 'finstackAdministrations' : entry.source;
    return connector(id, source, { nl: id, en: id });
  });
  return [...profit, ...finstack];
}

export const GET_CONNECTORS: readonly GetConnectorSpec[] = buildCatalog();

const BY_ID = new Map(GET_CONNECTORS.map((spec) => [spec.id, spec]));

/** Connector ids are matched exactly (send them as metainfo lists them). */
export function findGetConnector(id: string): GetConnectorSpec | undefined {
  return BY_ID.get(id);
}

export const ALL_GET_CONNECTOR_IDS: readonly string[] = GET_CONNECTORS.map((spec) => spec.id);
