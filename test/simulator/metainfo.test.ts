import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { afasGet, authHeaders, http } from './helpers.js';

interface GetMeta {
  name: string;
  description: string;
  fields: {
    id: string;
    fieldId: string;
    dataType: string;
    label: string;
    length: number;
    controlType: number;
    decimals: number;
    decimalsFieldId: string;
  }[];
}

interface UpdateField {
  fieldId: string;
  primaryKey: boolean;
  dataType: string;
  label: string;
  mandatory: boolean;
  length: number;
  decimals: number;
  decimalFieldId: string;
  notzero: boolean;
  controlType: number;
  values: { id: string; description: string }[] | null;
}

interface UpdateObject {
  name: string;
  fields: UpdateField[];
  objects: UpdateObject[];
}

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ linesPerYear: 20 });
});

afterAll(async () => {
  await sim.close();
});

describe('metainfo', () => {
  it('lists get and update connectors with session info', async () => {
    const result = await afasGet(sim, '/metainfo');
    expect(result.status).toBe(200);
    expect(result.text).not.toContain('\n');
    const body = JSON.parse(result.text) as {
      updateConnectors: { id: string; description: string }[];
      getConnectors: { id: string; description: string }[];
      info: Record<string, string>;
    };
    expect(body.updateConnectors).toEqual([{ id: 'FiEntries', description: 'Financiële mutaties' }]);
    const ids = body.getConnectors.map((c) => c.id);
    for (const id of [
      'Profit_Administrations',
      'Profit_Accounts',
      'Profit_Journals',
      'Profit_periods_per_administration',
      'Profit_Transactions',
      'Profit_Fin_ChangedEntrydate',
      'Profit_Debtor',
      'Profit_Creditor',
      'Profit_VAT_code',
      'Profit_Period_balance',
      'Profit_Allocation_Assigments',
      'Finstack_Administrations',
      'Finstack_Transactions',
      'Finstack_Accounts',
      'Finstack_Fin_ChangedEntrydate',
    ]) {
      expect(ids).toContain(id);
    }
    expect(body.getConnectors.find((c) => c.id === 'Profit_Transactions')?.description).toBe(
      'Financiële mutaties',
    );
    expect(body.getConnectors.find((c) => c.id === 'Finstack_Transactions')?.description).toBe(
      'Finstack_Transactions',
    );
    expect(Object.keys(body.info).sort()).toEqual(['appName', 'envid', 'group', 'tokenExpiry']);
    expect(body.info['tokenExpiry']).toBe('0');
  });

  it('describes a GetConnector with Dutch labels by default and English with en-us', async () => {
    const nl = JSON.parse((await afasGet(sim, '/metainfo/get/Profit_Transactions')).text) as GetMeta;
    const en = JSON.parse(
      (await afasGet(sim, '/metainfo/get/Profit_Transactions', authHeaders('demo', 'en-us'))).text,
    ) as GetMeta;
    expect(nl.name).toBe('Profit_Transactions');
    expect(nl.fields.map((f) => f.id)).toEqual([
      'UnitId',
      'EntryNo',
      'SeqNo',
      'Year',
      'Period',
      'JournalId',
      'AccountNo',
      'AmtDebit',
      'AmtCredit',
      'EntryDate',
      'InvoiceId',
      'VoucherDate',
      'VoucherNo',
      'VatCode',
      'VatAmt',
      'Description',
      'Created',
      'Modified',
    ]);
    const entryDate = nl.fields.find((f) => f.id === 'EntryDate');
    expect(entryDate).toEqual({
      id: 'EntryDate',
      fieldId: 'U010',
      dataType: 'date',
      label: 'Datum boeking',
      length: 10,
      controlType: 1,
      decimals: 0,
      decimalsFieldId: '',
    });
    expect(en.fields.find((f) => f.id === 'EntryDate')?.label).toBe('Date entry');
    expect(nl.fields.find((f) => f.id === 'AmtDebit')).toMatchObject({
      dataType: 'decimal',
      decimals: 2,
      label: 'Bedrag debet',
    });
    expect(en.description).toBe('Financial mutations');
  });

  it('keeps the real field-code and naming quirks', async () => {
    const admins = JSON.parse((await afasGet(sim, '/metainfo/get/Profit_Administrations')).text) as GetMeta;
    expect(admins.fields.map((f) => [f.id, f.fieldId, f.dataType])).toEqual([
      ['AdminId', 'U002', 'int'],
      ['AdminNm', 'U001', 'string'],
      ['AdminCd', 'UnCo', 'string'],
    ]);
    const creditor = JSON.parse((await afasGet(sim, '/metainfo/get/Profit_Creditor')).text) as GetMeta;
    expect(creditor.fields.map((f) => f.id)).toContain('Btw-nummer');
    const debtor = JSON.parse((await afasGet(sim, '/metainfo/get/Profit_Debtor')).text) as GetMeta;
    expect(debtor.fields.map((f) => f.id)).toContain('AdressLine1');
    const periods = JSON.parse(
      (await afasGet(sim, '/metainfo/get/Profit_periods_per_administration')).text,
    ) as GetMeta;
    expect(periods.fields[0]?.id).toBe('Unit');
    const changed = JSON.parse(
      (await afasGet(sim, '/metainfo/get/Profit_Fin_ChangedEntrydate')).text,
    ) as GetMeta;
    expect(changed.fields.map((f) => f.id)).toEqual(['EntryDate', 'Modified']);
    const allocations = await afasGet(sim, '/metainfo/get/Profit_Allocation_Assigments');
    expect(allocations.status).toBe(200);
    const finstack = JSON.parse(
      (await afasGet(sim, '/metainfo/get/Finstack_Administrations')).text,
    ) as GetMeta;
    expect(finstack.fields.map((f) => f.id)).toEqual(['AdministrationId', 'AdministrationName']);
  });

  it('describes the FiEntries UpdateConnector with the update shape', async () => {
    const body = JSON.parse((await afasGet(sim, '/metainfo/update/FiEntries')).text) as UpdateObject & {
      id: string;
    };
    expect(body.id).toBe('FiEntries');
    expect(body.name).toBe('FiEntryPar');
    const year = body.fields.find((f) => f.fieldId === 'Year');
    expect(year).toEqual({
      fieldId: 'Year',
      primaryKey: false,
      dataType: 'int',
      label: 'Boekjaar',
      mandatory: true,
      length: 4,
      decimals: 0,
      decimalFieldId: '',
      notzero: false,
      controlType: 1,
      values: null,
    });
    const lines = body.objects.find((o) => o.name === 'FiEntries');
    expect(lines).toBeDefined();
    expect(lines?.fields.find((f) => f.fieldId === 'VaAs')?.values).toEqual([
      { id: '1', description: 'Grootboekrekening' },
      { id: '2', description: 'Debiteur' },
      { id: '3', description: 'Crediteur' },
    ]);
    expect(lines?.objects.map((o) => o.name)).toEqual(['FiDimEntries']);
    const en = JSON.parse(
      (await afasGet(sim, '/metainfo/update/FiEntries', authHeaders('demo', 'en-us'))).text,
    ) as UpdateObject;
    expect(en.objects[0]?.fields.find((f) => f.fieldId === 'AcNr')?.label).toBe('Account Number');
  });

  it('answers 401 for an unknown UpdateConnector', async () => {
    const result = await afasGet(sim, '/metainfo/update/KnNope', authHeaders('demo', 'en-us'));
    expect(result.status).toBe(401);
    expect(result.text).toContain('UpdateConnector is not supported');
  });

  it('treats the path prefix and service segments case-insensitively', async () => {
    for (const path of [
      '/profitrestservices/MetaInfo',
      '/PROFITRESTSERVICES/metainfo',
      '/ProfitRestServices/Metainfo/GET/Profit_Accounts',
    ]) {
      const result = await http(`${sim.url}${path}`, { headers: authHeaders() });
      expect(result.status, path).toBe(200);
    }
  });

  it('reports the Profit version', async () => {
    const result = await afasGet(sim, '/profitversion');
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/) as unknown });
  });

  it('answers 404 for unknown paths and 405 for wrong methods', async () => {
    expect((await http(`${sim.url}/somewhere/else`, { headers: authHeaders() })).status).toBe(404);
    expect((await afasGet(sim, '/unknownservice')).status).toBe(404);
    expect(
      (await http(`${sim.baseUrl}/metainfo`, { method: 'POST', headers: authHeaders(), body: '{}' })).status,
    ).toBe(405);
  });

  it('does not expose the control API unless enabled', async () => {
    const result = await http(`${sim.url}/__sim/health`);
    expect(result.status).toBe(404);
  });
});
