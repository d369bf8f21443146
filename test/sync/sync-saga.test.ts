import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../../src/catalog/index.js';
import { startSync } from '../../src/client/sync-control.js';
import { syncWorkflowId } from '../../src/workflows/definitions.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN_DATA = 'C0FFEE0123456789C0FFEE0123456789C0FFEE0123456789C0FFEE0123456789';
const SYNC_OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };

describe('sync saga: two sources × three administrations', () => {
  let fixture: SyncFixture;
  let db: SyncFixture['db'];
  let app: SyncFixture['app'];
  let temporal: SyncFixture['temporal'];
  let control: SyncFixture['control'];
  let afas: SyncFixture['afas'];

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 7,
        administrations: 3,
        years: [2024, 2025],
        linesPerYear: 300,
        tokens: [{ token: TOKEN_DATA }],
        finstackAdministrationIds: [1, 3],
      },
      sources: [
        {
          name: 'alpha',
          token: `<token><version>1</version><data>${TOKEN_DATA}</data></token>`,
          connectorPrefix: 'Profit_',
        },
        {
          name: 'beta',
          token: `<token><version>1</version><data>${TOKEN_DATA}</data></token>`,
          connectorPrefix: 'Finstack_',
        },
      ],
    });
    ({ db, app, temporal, control, afas } = fixture);
  });

  afterAll(() => fixture?.close());

  async function sync(source: string) {
    const handle = await startSync(
      { client: temporal.client, taskQueue: temporal.taskQueue },
      source,
      SYNC_OPTIONS,
    );
    return handle.result();
  }

  async function expectAllEqual(source: string, prefix: string, administrations: number[]) {
    for (const definition of DATASETS) {
      await expectTableEqualsSimulator(db.pool, control, afas, {
        source,
        name: definition.name,
        prefix,
        administrations,
      });
    }
  }

  it('initial sync makes every table equal to the simulator, for both sources', async () => {
    const [alpha, beta] = await Promise.all([sync('alpha'), sync('beta')]);
    expect(alpha.status).toBe('succeeded');
    expect(beta.status).toBe('succeeded');
    expect(alpha.totals.inserted).toBeGreaterThan(1000);
    await expectAllEqual('alpha', 'Profit_', [1, 2, 3]);
    // beta’s App connector exposes administrations 1 and 3 only (Finstack_Administrations filter).
    await expectAllEqual('beta', 'Finstack_', [1, 3]);
    const admin2 = await db.pool.query(
      `SELECT count(*)::int AS n FROM afas.journal_lines WHERE _source = 'beta' AND _administration = 2`,
    );
    expect(admin2.rows[0]).toEqual({ n: 0 });
    const runs = await app.runs.list('alpha');
    expect(runs[0]).toMatchObject({ status: 'succeeded', kind: 'sync' });
    expect(runs[0]?.rowsInserted).toBe(alpha.totals.inserted);
  });

  it('incremental: changed, added and deleted lines and master data; only changed days are re-read', async () => {
    const lines = await control.export('Profit_Transactions');
    const pick = (unit: number, index: number) =>
      lines.filter((line) => line.UnitId === unit)[index] as Record<string, unknown>;
    const changed = pick(1, 10);
    const deleted = pick(2, 20);
    await control.call('PATCH', 'journal-lines', {
      changes: [
        {
          key: { UnitId: changed.UnitId, EntryNo: changed.EntryNo, SeqNo: changed.SeqNo },
          set: { Description: 'Gecorrigeerd' },
        },
      ],
    });
    await control.call('DELETE', 'journal-lines', {
      entries: [{ UnitId: deleted.UnitId, EntryNo: deleted.EntryNo }],
    });
    await control.call('POST', 'journal-lines', {
      lines: [
        {
          UnitId: 3,
          JournalId: 'MEM',
          EntryDate: '2025-06-17T00:00:00Z',
          AccountNo: '4000',
          AmtDebit: 125.5,
          AmtCredit: 0,
          Description: 'Nieuw',
        },
        {
          UnitId: 3,
          JournalId: 'MEM',
          EntryDate: '2025-06-17T00:00:00Z',
          AccountNo: '1300',
          AmtDebit: 0,
          AmtCredit: 125.5,
          Description: 'Nieuw',
        },
      ],
    });
    const accounts = await control.export('Profit_Accounts');
    const debtors = await control.export('Profit_Debtor');
    await control.call('POST', 'master/Profit_Accounts', {
      upsert: [{ ...accounts[0], Description: 'Omschrijving gewijzigd' }],
      delete: [{ Account: accounts[1]?.Account }],
    });
    await control.call('POST', 'master/Profit_Debtor', {
      upsert: [{ ...debtors[0], DebtorName: 'Nieuwe naam BV' }],
    });
    await control.clearRequests();

    const result = await sync('alpha');
    expect(result.status).toBe('succeeded');
    await expectAllEqual('alpha', 'Profit_', [1, 2, 3]);
    expect(result.totals.deleted).toBeGreaterThanOrEqual(2); // the deleted entry's lines and the account

    // Journal lines were fetched only for the booking days that changed.
    const touchedDays = new Set(
      [changed.EntryDate, deleted.EntryDate, '2025-06-17T00:00:00Z'].map((d) => String(d).slice(0, 10)),
    );
    const requests = await control.requests({ connector: 'Profit_Transactions' });
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.length).toBeLessThanOrEqual(3);
    for (const entry of requests) {
      const values = (entry.query.filtervalues ?? '')
        .split(/[,;]/)
        .filter((v) => /^\d{4}-\d{2}-\d{2}T/.test(v));
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) expect(touchedDays.has(value.slice(0, 10))).toBe(true);
    }
    const deletedRow = await db.pool.query(
      `SELECT _deleted_at FROM afas.journal_lines WHERE _source = 'alpha' AND "UnitId" = $1 AND "EntryNo" = $2`,
      [deleted.UnitId, deleted.EntryNo],
    );
    expect(deletedRow.rows.length).toBeGreaterThan(0);
    expect(
      deletedRow.rows.every((row: { _deleted_at: Date | null }) => row._deleted_at instanceof Date),
    ).toBe(true);
  });

  it('a sync with nothing changed reads no journal lines and writes nothing', async () => {
    await control.clearRequests();
    const result = await sync('alpha');
    expect(result.status).toBe('succeeded');
    expect(result.totals).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
    expect(await control.requests({ connector: 'Profit_Transactions' })).toEqual([]);
    expect((await control.requests({ connector: 'Profit_Fin_ChangedEntrydate' })).length).toBe(1);
  });

  it("a sync without options gives its AFAS activities a 20 s heartbeat timeout, so a dead worker's are retried soon", async () => {
    const target = { client: temporal.client, taskQueue: temporal.taskQueue };
    const handle = await startSync(target, 'alpha');
    expect((await handle.result()).status).toBe('succeeded');
    const history = await temporal.client.workflow
      .getHandle(handle.workflowId, handle.firstExecutionRunId)
      .fetchHistory();
    const heartbeats = (history.events ?? []).flatMap((event) => {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (!scheduled) return [];
      const seconds = Number(scheduled.heartbeatTimeout?.seconds ?? 0);
      return [`${scheduled.activityType?.name}: ${seconds || 'none'}`];
    });
    expect(heartbeats).toContain('discoverAdministrations: 20');
    expect(heartbeats.filter((entry) => entry.endsWith(': 20')).length).toBeGreaterThan(5);
    // The bookkeeping activities (run log, watermarks) do not heartbeat.
    expect(heartbeats).toContain('beginRun: none');
    expect(heartbeats.every((entry) => entry.endsWith(': 20') || entry.endsWith(': none'))).toBe(true);
  });

  it('two starts of the same source run once', async () => {
    const target = { client: temporal.client, taskQueue: temporal.taskQueue };
    const before = (await app.runs.list('alpha', 100)).length;
    const [first, second] = await Promise.all([
      startSync(target, 'alpha', SYNC_OPTIONS),
      startSync(target, 'alpha', SYNC_OPTIONS),
    ]);
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    const [a, b] = await Promise.all([first.result(), second.result()]);
    expect(a.runId).toBe(b.runId);
    expect((await app.runs.list('alpha', 100)).length).toBe(before + 1);
    if (process.env.RECORD_HISTORIES) {
      const history = await temporal.client.workflow.getHandle(syncWorkflowId('alpha')).fetchHistory();
      await writeFile(
        new URL('../fixtures/histories/sync-source.json', import.meta.url),
        `${historyToJSON(history)}\n`,
      );
    }
  });
});
