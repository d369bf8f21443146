import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../../src/catalog/index.js';
import { startSync } from '../../src/client/sync-control.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { capturedLogs } from '../helpers/temporal.js';

const TOKEN_DATA = 'FA0170123456789ABCDEFFA0170123456789ABCDEFFA0170123456789ABCDEF0';
const REVOKED_DATA = 'DEAD0123456789ABCDEFDEAD0123456789ABCDEFDEAD0123456789ABCDEF0123';
const xml = (data: string) => `<token><version>1</version><data>${data}</data></token>`;
const OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };

describe('sync saga under AFAS faults', () => {
  let fixture: SyncFixture;
  let db: SyncFixture['db'];
  let app: SyncFixture['app'];
  let temporal: SyncFixture['temporal'];
  let control: SyncFixture['control'];
  let afas: SyncFixture['afas'];

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 3,
        administrations: 2,
        years: [2025],
        linesPerYear: 400,
        tokens: [{ token: TOKEN_DATA }, { token: REVOKED_DATA }],
      },
      sources: [
        { name: 'faulty', token: xml(TOKEN_DATA) },
        { name: 'revoked', token: xml(REVOKED_DATA) },
      ],
    });
    ({ db, app, temporal, control, afas } = fixture);
  });

  afterAll(() => fixture?.close());

  const sync = async (source: string) =>
    (await startSync({ client: temporal.client, taskQueue: temporal.taskQueue }, source, OPTIONS)).result();

  it('30% locked-layout 500s: completes with exact data', async () => {
    await control.fault({ kind: 'locked', fraction: 0.3 });
    const result = await sync('faulty');
    await control.clearFaults();
    expect(result.status).toBe('succeeded');
    expect(result.totals.retries).toBeGreaterThan(0);
    const locked = (await control.requests()).filter((entry) => entry.fault === 'locked');
    expect(locked.length).toBeGreaterThan(3);
    for (const definition of DATASETS) {
      await expectTableEqualsSimulator(db.pool, control, afas, {
        source: 'faulty',
        name: definition.name,
        administrations: [1, 2],
      });
    }
    const run = await app.runs.get(result.runId);
    expect(run?.retries).toBeGreaterThan(0);
  });

  it('503 with Retry-After: waits as long as AFAS asks before trying again', async () => {
    await control.clearRequests();
    await control.fault({
      kind: 'unavailable',
      connector: 'Profit_Accounts',
      count: 1,
      retryAfterSeconds: 2,
    });
    const result = await sync('faulty');
    expect(result.status).toBe('succeeded');
    const calls = await control.requests({ connector: 'Profit_Accounts' });
    const failed = calls.findIndex((entry) => entry.status === 503);
    expect(failed).toBeGreaterThanOrEqual(0);
    const retry = calls[failed + 1];
    expect(retry?.status).toBe(200);
    const gap = Date.parse(retry?.timestamp ?? '') - Date.parse(calls[failed]?.timestamp ?? '');
    expect(gap).toBeGreaterThanOrEqual(1_900);
  });

  it('an error that never clears fails its dataset once the retry budget is spent: the run ends partial', async () => {
    // Every page of the VAT codes resets the connection, for good; without the budget the sync
    // would retry it forever and every later sync of the source would be skipped behind it.
    await control.fault({ kind: 'reset', connector: 'Profit_VAT_code' });
    const started = Date.now();
    const result = await (
      await startSync({ client: temporal.client, taskQueue: temporal.taskQueue }, 'faulty', {
        ...OPTIONS,
        retryGiveUpSeconds: 20,
      })
    ).result();
    await control.clearFaults();
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.status).toBe('partial');
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ dataset: 'vat_codes' });
    expect(result.failures[0]?.message).toMatch(/giving up/);
    const vat = (await app.runs.datasetsOf(result.runId)).find((d) => d.dataset === 'vat_codes');
    expect(vat).toMatchObject({ status: 'failed', errorClass: 'transient' });
  });

  it('malformed JSON in one page: that dataset fails naming connector and page, the rest completes', async () => {
    await control.fault({ kind: 'malformed-json', connector: 'Profit_Debtor', count: 1 });
    const result = await sync('faulty');
    expect(result.status).toBe('partial');
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ dataset: 'debtors' });
    expect(result.failures[0]?.message).toMatch(/Profit_Debtor/);
    expect(result.failures[0]?.message).toMatch(/skip 0|page/);
    const datasets = await app.runs.datasetsOf(result.runId);
    expect(datasets.find((d) => d.dataset === 'debtors')).toMatchObject({
      status: 'failed',
      errorClass: 'bad-response',
    });
    expect(datasets.filter((d) => d.dataset !== 'debtors').every((d) => d.status === 'succeeded')).toBe(true);
    expect((await app.runs.get(result.runId))?.status).toBe('partial');
  });

  it('a functional 500 fails that dataset with the AFAS message and profitLogReference recorded', async () => {
    await control.fault({ kind: 'unexpected', connector: 'Profit_VAT_code', count: 1 });
    const result = await sync('faulty');
    expect(result.status).toBe('partial');
    const vat = (await app.runs.datasetsOf(result.runId)).find((d) => d.dataset === 'vat_codes');
    expect(vat?.status).toBe('failed');
    expect(vat?.error).toMatch(/onverwachte fout|unexpected error/i);
    expect(vat?.profitLogReference).toMatch(/^[0-9A-F]{32}$/);
    expect((await app.runs.get(result.runId))?.profitLogReference).toBe(vat?.profitLogReference);
  });

  it('revoked token: the source needs attention after one attempt, no retry storm', async () => {
    await control.call('POST', 'tokens/revoke', { token: REVOKED_DATA });
    await control.clearRequests();
    const result = await sync('revoked');
    expect(result.status).toBe('failed');
    const source = await app.sources.get('revoked');
    expect(source.status).toBe('needs_attention');
    expect(source.statusReason).toMatch(/401/);
    expect((await control.requests()).length).toBe(1);
  });

  it('no form of any token appears in workflow histories or logs', async () => {
    const forms = [TOKEN_DATA, REVOKED_DATA].flatMap((data) => [
      data,
      xml(data),
      Buffer.from(xml(data)).toString('base64'),
      Buffer.from(xml(data)).toString('base64').slice(8, 40),
    ]);
    let histories = 0;
    for await (const { history } of temporal.client.workflow
      .list({ query: `TaskQueue = '${temporal.taskQueue}'` })
      .intoHistories()) {
      const text = historyToJSON(history as Parameters<typeof historyToJSON>[0]);
      histories += 1;
      for (const form of forms) expect(text).not.toContain(form);
    }
    expect(histories).toBeGreaterThanOrEqual(5);
    const logs = capturedLogs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const form of forms) expect(logs).not.toContain(form);
  });
});
