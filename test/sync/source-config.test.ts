import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync } from '../../src/client/sync-control.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { capturedLogs } from '../helpers/temporal.js';

const GOOD_TOKEN = 'C0DE0123456789ABCDEFC0DE0123456789ABCDEFC0DE0123456789ABCDEF0123';
const MISSHAPEN_TOKEN = 'this is not-a-token; secret=hunter2';
const URL_PASSWORD = 's3cr3t-in-url';
const OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };

describe('hostile operator input: a source the worker cannot use fails fast and says why', () => {
  let fixture: SyncFixture;
  let db: SyncFixture['db'];
  let app: SyncFixture['app'];
  let temporal: SyncFixture['temporal'];
  let control: SyncFixture['control'];
  let worker: Awaited<ReturnType<SyncFixture['startWorker']>>;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 2,
        administrations: 1,
        years: [2025],
        linesPerYear: 50,
        tokens: [{ token: GOOD_TOKEN }],
      },
      sources: [
        // The store seals whatever token it is given; the AFAS client checks its shape before use.
        { name: 'misshapen', token: MISSHAPEN_TOKEN },
        // The store refuses a base URL with credentials; a row written around it (by hand, by an
        // older version) still must not be used.
        { name: 'credentials', token: GOOD_TOKEN },
      ],
      worker: false,
    });
    ({ db, app, temporal, control } = fixture);
    const withCredentials = new URL(fixture.sim.baseUrl);
    withCredentials.username = 'operator';
    withCredentials.password = URL_PASSWORD;
    await db.pool.query(`UPDATE afas.sources SET base_url = $1 WHERE name = 'credentials'`, [
      withCredentials.toString(),
    ]);
    worker = await fixture.startWorker();
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const sync = async (source: string) =>
    (await startSync({ client: temporal.client, taskQueue: temporal.taskQueue }, source, OPTIONS)).result();

  it.each([
    [
      'misshapen',
      'AFAS token has an invalid shape: expected the token XML "<token><version>1</version><data>…</data></token>", its base64 form, or the bare data string (at least 4 letters or digits)',
    ],
    ['credentials', 'AFAS base URL override must not contain credentials'],
  ])(
    '%s: the run fails at once without an AFAS call, the source needs attention',
    async (source, message) => {
      await control.clearRequests();
      const started = Date.now();
      const result = await sync(source);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(result).toMatchObject({ status: 'failed', error: message });
      expect(await control.requests()).toEqual([]);
      expect(await app.sources.get(source)).toMatchObject({
        status: 'needs_attention',
        statusReason: message,
      });
      const run = await app.runs.get(result.runId);
      expect(run?.status).toBe('failed');
      expect(worker.worker.getState()).toBe('RUNNING');
    },
  );

  it('neither the token nor the URL password reached the logs, the run log or another row', async () => {
    const runs = await db.pool.query<{ row: string }>(
      `SELECT row_to_json(r)::text AS row FROM afas.sync_runs r`,
    );
    const sources = await db.pool.query<{ row: string }>(
      `SELECT row_to_json(s)::text AS row FROM afas.sources s WHERE name <> 'credentials'`,
    );
    const text = [...capturedLogs, ...runs.rows.map((r) => r.row), ...sources.rows.map((r) => r.row)].join(
      '\n',
    );
    for (const secret of ['hunter2', MISSHAPEN_TOKEN, GOOD_TOKEN, URL_PASSWORD])
      expect(text).not.toContain(secret);
  });
});
