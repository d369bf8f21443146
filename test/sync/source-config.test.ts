import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync } from '../../src/client/sync-control.js';
import { bindingOf } from '../../src/db/sources.js';
import { sealToken } from '../../src/db/token-crypto.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { capturedLogs, TEST_SECRET_KEY } from '../helpers/temporal.js';

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
  // The "new host" a base URL is pointed at behind the operator's back: it must see no request.
  let newHost: Server;
  const newHostRequests: string[] = [];
  let newHostPort: number;
  // A non-loopback address of this machine reaching the same server; without one, a name that
  // resolves nowhere (the refusal comes before any lookup, so the assertions still hold).
  const externalHost =
    Object.values(networkInterfaces())
      .flat()
      .find((address) => address && !address.internal && address.family === 'IPv4')?.address ??
    'afas-new-host.invalid';

  beforeAll(async () => {
    newHost = createServer((request, response) => {
      newHostRequests.push(`${request.method ?? ''} ${request.url ?? ''}`);
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => newHost.listen(0, '0.0.0.0', resolve));
    newHostPort = (newHost.address() as AddressInfo).port;
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
        // Its base URL is changed in the database to another (loopback) host: the token is
        // sealed for the simulator's URL, so it is not readable for the new one.
        { name: 'moved', token: GOOD_TOKEN },
        // A plain http:// URL to a non-loopback host, stored (by an older version) without the
        // operator's --allow-insecure-http and correctly sealed for it: the worker refuses it.
        { name: 'plain-http', token: GOOD_TOKEN },
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
    await db.pool.query(`UPDATE afas.sources SET base_url = $1 WHERE name = 'moved'`, [
      `http://127.0.0.1:${newHostPort}/ProfitRestServices`,
    ]);
    const plainUrl = `http://${externalHost}:${newHostPort}/ProfitRestServices`;
    const plain = { ...(await app.sources.get('plain-http')), baseUrl: plainUrl };
    await db.pool.query(
      `UPDATE afas.sources SET base_url = $1, token_sealed = $2 WHERE name = 'plain-http'`,
      [plainUrl, sealToken(GOOD_TOKEN, TEST_SECRET_KEY, bindingOf(plain))],
    );
    worker = await fixture.startWorker();
  });

  afterAll(async () => {
    await fixture?.close();
    await new Promise((resolve) => newHost?.close(resolve));
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

  it.each([
    [
      'moved',
      () =>
        `stored token of source "moved" failed authentication with key ${TEST_SECRET_KEY.id}: it was sealed ` +
        'for another source, environment or base URL (one changed outside afas-sync?) or is damaged, so it ' +
        "is not used; check the source's environment and base URL (`afas-sync source show moved`), then " +
        're-enter the token with `afas-sync source update moved --token-file <file>`',
    ],
    [
      'plain-http',
      () =>
        `AFAS base URL http://${externalHost}:${newHostPort}/ProfitRestServices uses plain http:// to a host ` +
        'that is not this machine, so the AFAS token would cross the network unencrypted; use https://, or ' +
        'pass --allow-insecure-http to `afas-sync source add|update` to accept that',
    ],
  ])(
    '%s: the token does not go to the new host; the source needs attention and says why',
    async (source, message) => {
      await control.clearRequests();
      const result = await sync(source);
      expect(result).toMatchObject({ status: 'failed', error: message() });
      expect(newHostRequests).toEqual([]);
      expect(await control.requests()).toEqual([]);
      expect(await app.sources.get(source)).toMatchObject({
        status: 'needs_attention',
        statusReason: message(),
      });
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
