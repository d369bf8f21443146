// AFAS cannot blow the worker's memory: a GetConnector page of millions of rows, where the sync
// asked for a few thousand, fails its dataset at once as a non-retryable bad response, and the
// worker's memory does not grow with those rows, whether the page is one the scanner reads
// (compact JSON) or one it leaves to JSON.parse (whitespace). An empty row fails its dataset
// naming connector, field and position. Real Temporal, real PostgreSQL, the simulator over real
// HTTP, and a small node:http proxy in front of it for the flooded pages.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync } from '../../src/client/sync-control.js';
import type { DatasetName } from '../../src/catalog/index.js';
import type { TestServer } from '../afas/helpers/http-server.js';
import { startAfasProxy, type PageQuery } from '../helpers/afas-proxy.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN_DATA = 'F100DF100D0123456789ABCDEFF100DF100D0123456789ABCDEFF100DF100D01';
const OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };
/** Rows in a flooded page: 30-40 MB of `{}`. Read as rows, they take gigabytes. */
const FLOOD_ROWS = 10_000_000;
/** What the worker's resident memory may grow by while the flooded page is refused. */
const RSS_GROWTH_LIMIT = 200 * 1024 * 1024;

/** The flooded connectors: the compact page is scanned, the one with spaces goes to JSON.parse. */
const COMPACT = { dataset: 'vat_codes', id: 'Flood_VAT_code', separator: ',' } as const;
const SPACED = { dataset: 'gl_accounts', id: 'Flood_Accounts', separator: ', ' } as const;
/** A connector of the simulator whose second row is empty. */
const EMPTY = { dataset: 'debtors', id: 'Empty_Debtor' } as const;

/** The rows of a flooded page, built once: `{}` FLOOD_ROWS times. */
function floodRows(separator: string): Buffer {
  return Buffer.from(`${`{}${separator}`.repeat(FLOOD_ROWS - 1)}{}`, 'latin1');
}

/** The peak of the process's resident memory while `work` runs, above what it was before. */
async function rssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growth: peak - before };
  } finally {
    clearInterval(sample);
  }
}

describe('a page of far more rows than take', () => {
  let fixture: SyncFixture;
  let proxy: TestServer;
  const seen: PageQuery[] = [];
  const bodyBytes = new Map<string, number>();

  const sync = async (source: string, datasets: DatasetName[]) =>
    (await startSync(fixture.target, source, { ...OPTIONS, datasets })).result();

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 7,
        administrations: 1,
        years: [2025],
        linesPerYear: 50,
        tokens: [{ token: TOKEN_DATA }],
      },
      sources: [],
      worker: false,
    });
    const fields = {
      [COMPACT.id]: [
        { id: 'VatCode', dataType: 'string' },
        { id: 'Omschrijving', dataType: 'string' },
      ],
      [SPACED.id]: [
        { id: 'Account', dataType: 'string' },
        { id: 'Omschrijving', dataType: 'string' },
      ],
    };
    for (const [id, connectorFields] of Object.entries(fields))
      await fixture.control.call('POST', 'custom-connectors', { id, fields: connectorFields, rows: [] });
    await fixture.control.call('POST', 'custom-connectors', {
      id: EMPTY.id,
      fields: [
        { id: 'DebtorId', dataType: 'string' },
        { id: 'ModifiedDate', dataType: 'date' },
      ],
      rows: ['{"DebtorId":"10001","ModifiedDate":"2024-01-01T00:00:00Z"}', '{}'],
    });
    const answer = (separator: string) => {
      const rows = floodRows(separator);
      return (query: PageQuery, res: ServerResponse) => {
        seen.push(query);
        const head = Buffer.from(`{"skip":${query.skip},"take":${query.take},"rows":[`);
        bodyBytes.set(query.connector, head.length + rows.length + 2);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.write(head);
        res.write(rows);
        res.end(']}');
      };
    };
    proxy = await startAfasProxy(fixture.sim.baseUrl, {
      [COMPACT.id]: answer(COMPACT.separator),
      [SPACED.id]: answer(SPACED.separator),
    });
    for (const name of ['flood', 'calm'])
      await fixture.app.sources.add({
        name,
        token: TOKEN_DATA,
        environmentId: '1',
        environmentType: 'test',
        baseUrl: proxy.baseUrl,
        connectorMap:
          name === 'flood'
            ? { [COMPACT.dataset]: COMPACT.id, [SPACED.dataset]: SPACED.id, [EMPTY.dataset]: EMPTY.id }
            : {},
      });
    await fixture.startWorker();
    // Once through the whole path first, so what the worker sets up on first use is not counted.
    const calm = await sync('calm', [COMPACT.dataset, SPACED.dataset]);
    expect(calm.status).toBe('succeeded');
  });

  afterAll(async () => {
    await fixture?.close();
    await proxy?.close();
  });

  it.each([
    ['compact JSON (scanned)', COMPACT],
    ['JSON with whitespace (left to JSON.parse)', SPACED],
  ])(
    '%s fails its dataset at once, non-retryable, without the rows reaching memory',
    async (_what, flooded) => {
      seen.length = 0;
      const { result, growth } = await rssGrowth(() => sync('flood', [flooded.dataset]));
      expect(result.status).toBe('partial');
      // One request: refused as it arrived, and neither retried in place nor by Temporal.
      expect(seen).toHaveLength(1);
      const take = seen[0]?.take ?? 0;
      expect(take).toBeGreaterThan(0);
      const message =
        `GetConnector ${flooded.id} (skip 0, take ${take}): AFAS sent more rows than the ${take} asked for ` +
        `(counting stopped at row ${take + 1} of a ${bodyBytes.get(flooded.id) ?? 0}-byte body); ` +
        'the page was refused before its rows were read';
      expect(result.failures.map((f) => ({ dataset: f.dataset, message: f.message }))).toEqual([
        { dataset: flooded.dataset, message },
      ]);
      const datasets = await fixture.app.runs.datasetsOf(result.runId);
      expect(datasets.find((d) => d.dataset === flooded.dataset)).toMatchObject({
        status: 'failed',
        error: message,
        errorClass: 'bad-response',
        retries: 0,
      });
      expect(growth).toBeLessThan(RSS_GROWTH_LIMIT);
    },
  );

  it('an empty row fails its dataset, naming connector, field and position', async () => {
    const result = await sync('flood', [EMPTY.dataset]);
    expect(result.status).toBe('partial');
    // Sorted on DebtorId, nulls first: the empty row comes first.
    const message =
      `connector ${EMPTY.id}, row (DebtorId=null), field 'DebtorId': ` +
      'row 0 of the page at skip 0 is empty ({}), so it has no key';
    expect(result.failures.map((f) => ({ dataset: f.dataset, message: f.message }))).toEqual([
      { dataset: EMPTY.dataset, message },
    ]);
    const datasets = await fixture.app.runs.datasetsOf(result.runId);
    expect(datasets.find((d) => d.dataset === EMPTY.dataset)).toMatchObject({
      status: 'failed',
      errorClass: 'data',
    });
  });
});
