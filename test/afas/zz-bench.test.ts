import { it } from 'vitest';
import { parseAfasJson } from '../../src/afas/json.js';
import { createRowConverter } from '../../src/afas/values.js';
it('bench', () => {
  const rows = Array.from({ length: 5000 }, (_, i) => ({ UnitId: 1, EntryNo: i, SeqNo: 1, Year: 2024, Period: 3, JournalId: '60', AccountNo: '4200', AmtDebit: Math.round(Math.random() * 1e7) / 100, AmtCredit: 0, EntryDate: '2024-03-01T00:00:00Z', InvoiceId: 'INK2300001', VoucherDate: '2024-02-27T00:00:00Z', VoucherNo: 'INK2300001', VatCode: '4', VatAmt: 439.21, Description: 'Inkoop Accountants Visser B.V.', Created: `2024-03-01T10:${String(i % 60).padStart(2, '0')}:27Z`, Modified: `2024-0${1 + (i % 9)}-01T${String(i % 24).padStart(2, '0')}:25:${String(i % 60).padStart(2, '0')}Z` }));
  const text = JSON.stringify({ skip: 0, take: 5000, rows });
  const slow = text.replace('"VatAmt":439.21', '"VatAmt":12345678901234567.89');
  const time = (label: string, f: () => unknown) => { for (let i = 0; i < 5; i++) f(); const t = process.cpuUsage(); for (let i = 0; i < 30; i++) f(); const u = process.cpuUsage(t); console.log(label, ((u.user + u.system) / 30000).toFixed(2), 'ms cpu'); };
  console.log('bytes', text.length);
  time('JSON.parse', () => JSON.parse(text));
  time('parseAfasJson fast', () => parseAfasJson(text));
  time('parseAfasJson slow', () => parseAfasJson(slow));
  const fields = Object.keys(rows[0]!).map((id) => ({ id, dataType: (['UnitId','EntryNo','SeqNo','Year','Period'].includes(id) ? 'int' : ['AmtDebit','AmtCredit','VatAmt'].includes(id) ? 'decimal' : ['EntryDate','VoucherDate','Created','Modified'].includes(id) ? 'date' : 'string') as 'int' }));
  const convert = createRowConverter({ connector: 'X', fields, keyFields: ['UnitId', 'EntryNo', 'SeqNo'] });
  const parsed = JSON.parse(text).rows;
  time('convert 5000 rows', () => parsed.map(convert));
});
