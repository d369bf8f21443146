import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync } from '../../src/client/sync-control.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import {
  BAD_CHANGE_STAMP,
  BIG_DECIMAL,
  CONNECTOR_MAP,
  HUGE_TEXT_CHARS,
  HUGE_TEXT_MD5,
  LONE_SURROGATES_STORED,
  REJECTED,
  SCHEMA_REJECTED,
  SQL_HOSTILE_FIELD,
  STORED,
  TINY_DECIMAL,
  UNICODE_TEXT,
} from './hostile-connectors.js';

const TOKEN_DATA = 'BAD0DA7A0123456789ABCDEFBAD0DA7A0123456789ABCDEFBAD0DA7A01234567';
const OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };

describe('hostile AFAS input through the real sync', () => {
  let fixture: SyncFixture;
  let db: SyncFixture['db'];
  let app: SyncFixture['app'];
  let temporal: SyncFixture['temporal'];
  let control: SyncFixture['control'];
  let worker: Awaited<ReturnType<SyncFixture['startWorker']>>;

  beforeAll(async () => {
    const clashMap = Object.fromEntries(
      SCHEMA_REJECTED.map((connector) => [connector.dataset, connector.id]),
    );
    fixture = await startSyncFixture({
      simulator: {
        seed: 5,
        administrations: 2,
        years: [2025],
        linesPerYear: 200,
        tokens: [{ token: TOKEN_DATA }],
      },
      sources: [
        { name: 'hostile', token: TOKEN_DATA, connectorMap: CONNECTOR_MAP },
        { name: 'calm', token: TOKEN_DATA, connectorMap: {} },
        { name: 'clash', token: TOKEN_DATA, connectorMap: clashMap },
        {
          name: 'stamp',
          token: TOKEN_DATA,
          connectorMap: { 'journal_lines.changed_days': BAD_CHANGE_STAMP.id },
        },
      ],
      worker: false,
    });
    ({ db, app, temporal, control } = fixture);
    for (const connector of [STORED, BAD_CHANGE_STAMP, ...REJECTED, ...SCHEMA_REJECTED]) {
      await control.call('POST', 'custom-connectors', {
        id: connector.id,
        fields: connector.fields,
        rows: connector.rows,
      });
    }
    // A table the SQL-hostile field id "drops" if any identifier is not quoted.
    await db.pool.query('CREATE TABLE afas.x (survives boolean)');
    worker = await fixture.startWorker();
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const target = () => ({ client: temporal.client, taskQueue: temporal.taskQueue });

  it('stores what can be stored exactly, fails each bad dataset with connector, field and row key, and the rest completes', async () => {
    const [hostile, calm] = await Promise.all([
      startSync(target(), 'hostile', OPTIONS).then((handle) => handle.result()),
      startSync(target(), 'calm', OPTIONS).then((handle) => handle.result()),
    ]);
    expect(calm.status).toBe('succeeded');
    expect(hostile.status).toBe('partial');

    const byDataset = (list: { dataset: string; administration: number; message: string }[]) =>
      list
        .map(({ dataset, administration, message }) => ({ dataset, administration, message }))
        .sort((a, b) => a.dataset.localeCompare(b.dataset));
    expect(byDataset(hostile.failures)).toEqual(byDataset(REJECTED));

    const datasets = await app.runs.datasetsOf(hostile.runId);
    for (const rejected of REJECTED) {
      expect(
        datasets.find((d) => d.dataset === rejected.dataset && d.administration === rejected.administration),
      ).toMatchObject({ status: 'failed', error: rejected.message, errorClass: 'data' });
    }
    const rejectedKeys = new Set(REJECTED.map((r) => `${r.dataset}/${r.administration}`));
    const others = datasets.filter((d) => !rejectedKeys.has(`${d.dataset}/${d.administration}`));
    expect(others.map((d) => d.dataset)).toEqual(
      expect.arrayContaining(['administrations', 'vat_codes', 'journal_lines']),
    );
    expect(others.every((d) => d.status === 'succeeded')).toBe(true);
    const lines = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM afas.journal_lines WHERE _source = 'hostile'`,
    );
    expect(lines.rows[0]?.n).toBe(400);
    expect(worker.worker.getState()).toBe('RUNNING');
  });

  it('keeps SQL-hostile and Dutch field ids as quoted column names, and drops nothing', async () => {
    const columns = await db.pool.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'afas' AND table_name = 'vat_codes'`,
    );
    expect(columns.rows.map((row) => row.column_name)).toEqual(
      expect.arrayContaining([SQL_HOSTILE_FIELD, 'Nummer debiteur', 'Btw-nummer', 'constructor']),
    );
    const x = await db.pool.query(`SELECT to_regclass('afas.x') IS NOT NULL AS present`);
    expect(x.rows[0]).toEqual({ present: true });
  });

  it('stores values digit for digit and character for character', async () => {
    const result = await db.pool.query<Record<string, unknown>>(
      `SELECT "VatCode", ${'"a""; drop table x; --"'} AS hostile, "Nummer debiteur", "Btw-nummer", "constructor",
              "Bedrag"::text AS bedrag, "Omschrijving", length("Groot") AS groot_length, md5("Groot") AS groot_md5,
              "Datum", "Aantal", "Actief", _raw->>'Bedrag' AS raw_bedrag, _raw->>'Omschrijving' AS raw_omschrijving
         FROM afas.vat_codes WHERE _source = 'hostile' ORDER BY "VatCode"`,
    );
    expect(result.rows).toEqual([
      {
        VatCode: 'H1',
        hostile: "Robert'); DROP TABLE x;--",
        'Nummer debiteur': '10001',
        'Btw-nummer': 'NL001234567B01',
        constructor: 'ctor',
        bedrag: BIG_DECIMAL,
        Omschrijving: UNICODE_TEXT,
        groot_length: HUGE_TEXT_CHARS,
        groot_md5: HUGE_TEXT_MD5,
        Datum: new Date('2024-02-29T12:45:00Z'),
        Aantal: '9007199254740993',
        Actief: true,
        raw_bedrag: BIG_DECIMAL,
        raw_omschrijving: UNICODE_TEXT,
      },
      {
        VatCode: 'H2',
        hostile: null,
        'Nummer debiteur': '10002',
        'Btw-nummer': '',
        constructor: null,
        bedrag: TINY_DECIMAL,
        Omschrijving: LONE_SURROGATES_STORED,
        groot_length: null,
        groot_md5: null,
        Datum: new Date('2024-06-30T22:00:00Z'),
        Aantal: '-9223372036854775808',
        Actief: false,
        raw_bedrag: TINY_DECIMAL,
        raw_omschrijving: LONE_SURROGATES_STORED,
      },
      {
        VatCode: 'H3',
        hostile: null,
        'Nummer debiteur': null,
        'Btw-nummer': null,
        constructor: null,
        bedrag: null,
        Omschrijving: null,
        groot_length: null,
        groot_md5: null,
        Datum: null,
        Aantal: null,
        Actief: null,
        raw_bedrag: null,
        raw_omschrijving: null,
      },
    ]);
  });

  it('a second sync changes nothing that was stored and fails the same datasets again', async () => {
    const again = await (await startSync(target(), 'hostile', OPTIONS)).result();
    expect(again.status).toBe('partial');
    expect(again.failures).toHaveLength(REJECTED.length);
    const vat = (await app.runs.datasetsOf(again.runId)).find((d) => d.dataset === 'vat_codes');
    expect(vat).toMatchObject({ status: 'succeeded', rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0 });
  });

  it('metainfo that cannot become a table fails that dataset before any row is read', async () => {
    const result = await (await startSync(target(), 'clash', OPTIONS)).result();
    expect(result.status).toBe('partial');
    const failures = result.failures.map(({ dataset, administration, message }) => ({
      dataset,
      administration,
      message,
    }));
    expect(failures.sort((a, b) => a.dataset.localeCompare(b.dataset))).toEqual(
      SCHEMA_REJECTED.map(({ dataset, administration, message }) => ({
        dataset,
        administration,
        message,
      })).sort((a, b) => a.dataset.localeCompare(b.dataset)),
    );
    const datasets = await app.runs.datasetsOf(result.runId);
    expect(datasets.filter((d) => d.status === 'failed').every((d) => d.errorClass === 'schema')).toBe(true);
    expect(datasets.filter((d) => d.status === 'succeeded').map((d) => d.dataset)).toEqual(
      expect.arrayContaining(['creditors', 'journal_lines', 'journals', 'periods']),
    );
  });

  it('a change stamp that is no date-time fails the journal lines at once, naming connector and row', async () => {
    const started = Date.now();
    const result = await (await startSync(target(), 'stamp', OPTIONS)).result();
    expect(result.status).toBe('partial');
    expect(result.failures.map((failure) => failure.dataset)).toEqual(['journal_lines']);
    expect(result.failures[0]?.message).toMatch(
      /^connector Hostile_ChangedEntrydate returned a row without a valid EntryDate\/Modified: .*yesterday, around noon/,
    );
    // Not retried: one read of the connector, and no watermark taken from it.
    const reads = (await control.requests()).filter((entry) => entry.connector === BAD_CHANGE_STAMP.id);
    expect(reads).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    const state = await db.pool.query(
      `SELECT watermark FROM afas.sync_state WHERE source = 'stamp' AND dataset = 'journal_lines'`,
    );
    expect(state.rows.every((row: { watermark: string | null }) => row.watermark === null)).toBe(true);
  });
});
