// The journal-lines dataset as the writer tests define it: administration UnitId, key EntryNo +
// SeqNo, replaced by entry day. Each test resolves it against the fields it needs.
import type { DatasetDefinition } from '../../src/catalog/index.js';

export const journalLinesDefinition: DatasetDefinition = {
  name: 'journal_lines',
  connector: 'Transactions',
  description: 'test',
  scope: 'administration',
  administrationField: 'UnitId',
  keyFields: ['EntryNo', 'SeqNo'],
  strategy: 'changed-days',
  entryDateField: 'EntryDate',
  changedDays: { connector: 'Fin_ChangedEntrydate', dayField: 'EntryDate', modifiedField: 'Modified' },
};
