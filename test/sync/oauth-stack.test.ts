// Issue 16, point 5, on the real stack: the compiled worker (`node dist/worker.js`, with
// METRICS_PORT), the Temporal dev server, PostgreSQL and the simulator over HTTP, with OAuth
// sources whose access tokens live 2 seconds. A sync and a historical import span several token
// lifetimes; token-endpoint faults are retried; a client AFAS refuses stops its source after one
// token request until `source update` gives a new secret; and afterwards no secret or access token
// is found in plain in the worker's log, any workflow history, /metrics or any database column.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REFRESH_MARGIN_SHARE } from '../../src/afas/token-lifetime.js';
import { DATASETS } from '../../src/catalog/index.js';
import { startImport } from '../../src/client/import-control.js';
import { startSync } from '../../src/client/sync-control.js';
import type { OAuthClientSummary } from '../../src/simulator/oauth/clients.js';
import { freePort } from '../../src/temporal/dev-server.js';
import type { scheduledSync, ScheduledSyncResult } from '../../src/workflows/scheduled-sync.js';
import { allOutput, runCli } from '../helpers/cli.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import type { SimRequest } from '../helpers/simulator.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { scanDatabase } from '../helpers/secret-scan.js';
import { capturedLogs } from '../helpers/temporal.js';
import { WorkerProcess } from '../helpers/worker-process.js';

const TOKEN = 'E2E0A0770123456789ABCDEFE2E0A0770123456789ABCDEFE2E0A07701234567';
const SYNC_CLIENT = { clientId: 'e2e-sync', clientSecret: 'e2e-sync-secret-8c1f2a70d3' };
const IMPORT_CLIENT = { clientId: 'e2e-import', clientSecret: 'e2e-import-secret-4b7d9e61c5' };
const NEW_SECRET = 'e2e-sync-secret-rotated-71aa09e4';
const SECRETS = [SYNC_CLIENT.clientSecret, IMPORT_CLIENT.clientSecret, NEW_SECRET];
const TTL_SECONDS = 2;
/**
 * How long the worker uses one token: it renews 10 % of the lifetime early (token-lifetime.ts),
 * so "one token per lifetime" means one per 1.8 s here.
 */
const USED_LIFETIME_MS = TTL_SECONDS * 1000 * (1 - REFRESH_MARGIN_SHARE);
/** AFAS's latency in the sync test: well under the 200 ms renewal margin, so no token expires in flight. */
const LATENCY_MS = 80;
const THIS_YEAR = new Date().getFullYear();
const ADMINISTRATIONS = [1, 2];
const OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };
const REJECTION = 'Client authentication failed';

describe('OAuth sources on the real stack, across many token lifetimes', () => {
  let fixture: SyncFixture;
  let worker: WorkerProcess;
  let metricsPort: number;
  let scratch: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 1616,
        administrations: ADMINISTRATIONS.length,
        years: [THIS_YEAR - 1, THIS_YEAR],
        linesPerYear: 400,
        // The fixture's comparison client reads metainfo with this classic token.
        tokens: [{ token: TOKEN }],
        oauthClients: [SYNC_CLIENT, IMPORT_CLIENT],
        oauthTokenTtlSeconds: TTL_SECONDS,
      },
      sources: [
        // One activity at a time, so the sync's AFAS calls (and token needs) form one long line.
        { name: 'osync', credential: { kind: 'oauth', ...SYNC_CLIENT }, maxConcurrency: 1 },
        { name: 'oimport', credential: { kind: 'oauth', ...IMPORT_CLIENT }, maxConcurrency: 2 },
      ],
      worker: false,
    });
    scratch = await mkdtemp(join(tmpdir(), 'afas-sync-oauth-stack-'));
    metricsPort = await freePort();
    env = {
      DATABASE_URL: fixture.db.url,
      AFAS_SYNC_DB_SCHEMA: fixture.db.schema,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: fixture.temporal.taskQueue,
      AFAS_SYNC_SECRET_KEY: '11'.repeat(32),
    };
    worker = new WorkerProcess({
      ...env,
      AFAS_SYNC_SHUTDOWN_GRACE_SECONDS: '1',
      METRICS_PORT: String(metricsPort),
      // Everything the worker would ever log goes through the leak scan.
      LOG_LEVEL: 'debug',
    });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    if (scratch) await rm(scratch, { recursive: true, force: true });
    await fixture?.close();
  });

  async function client(clientId: string): Promise<OAuthClientSummary> {
    const overview = await fixture.control.call<{ clients: OAuthClientSummary[] }>('GET', 'oauth');
    const found = overview.clients.find((entry) => entry.clientId === clientId);
    if (!found) throw new Error(`the simulator does not know OAuth client ${clientId}`);
    return found;
  }

  const tokenRequests = (requests: SimRequest[], clientId: string) =>
    requests.filter((entry) => entry.auth === 'oauth-client' && entry.clientId === clientId);

  const sync = async (source: string) => (await startSync(fixture.target, source, OPTIONS)).result();

  async function expectTablesEqual(source: string, names = DATASETS.map((definition) => definition.name)) {
    for (const name of names) {
      await expectTableEqualsSimulator(fixture.db.pool, fixture.control, fixture.afas, {
        source,
        name,
        administrations: ADMINISTRATIONS,
      });
    }
  }

  it('a full first sync spanning several token lifetimes: no call refused, one token per lifetime', async () => {
    await fixture.control.fault({ kind: 'slow', endpoint: 'connectors', delayMs: LATENCY_MS });
    await fixture.control.clearRequests();
    const before = await client(SYNC_CLIENT.clientId);
    const started = Date.now();
    const result = await sync('osync');
    const durationMs = Date.now() - started;
    await fixture.control.clearFaults();
    expect(result.status).toBe('succeeded');
    expect(result.totals.inserted).toBeGreaterThan(ADMINISTRATIONS.length * 2 * 400);

    const requests = await fixture.control.requests();
    const calls = requests.filter((entry) => entry.auth === 'bearer');
    expect(calls.length).toBeGreaterThan(20);
    // Decided: not even a recovered 401. The worker renews 200 ms before expiry and AFAS answers
    // within LATENCY_MS, so a token the simulator refuses would be a renewal bug.
    expect(calls.filter((entry) => entry.status !== 200)).toEqual([]);
    expect(new Set(calls.map((entry) => entry.clientId))).toEqual(new Set([SYNC_CLIENT.clientId]));

    const after = await client(SYNC_CLIENT.clientId);
    const issued = after.tokenRequests.issued - before.tokenRequests.issued;
    expect(after.tokenRequests.refused).toBe(before.tokenRequests.refused);
    expect(tokenRequests(requests, SYNC_CLIENT.clientId)).toHaveLength(issued);
    // Several lifetimes: the sync renewed its token at least once per lifetime it outlived (how
    // many depends on the machine's speed)…
    expect(issued, `tokens issued in ${durationMs} ms`).toBeGreaterThanOrEqual(
      Math.max(2, Math.floor(durationMs / (TTL_SECONDS * 1000))),
    );
    // …and asked for at most one per lifetime (one worker), not one per call or activity.
    expect(issued, `tokens issued in ${durationMs} ms`).toBeLessThanOrEqual(
      Math.ceil(durationMs / USED_LIFETIME_MS) + 1,
    );
    await expectTablesEqual('osync');
  });

  it('a historical import spanning several token lifetimes: no call refused, one token per lifetime', async () => {
    await fixture.control.clearRequests();
    const before = await client(IMPORT_CLIENT.clientId);
    const started = Date.now();
    const handle = await startImport(fixture.target, 'oimport', {
      fromYear: THIS_YEAR - 1,
      pageSize: 50,
      partitionRowLimit: 100,
      maxPagesPerActivity: 2,
      // Paced (the requests are counted, so the pace sets the duration) to outlive about five tokens.
      requestsPerMinute: 400,
      heartbeatTimeoutSeconds: 10,
      retryInitialSeconds: 1,
    });
    const result = await handle.result();
    const durationMs = Date.now() - started;
    expect(result.status).toBe('succeeded');
    expect(result.rows).toBe(ADMINISTRATIONS.length * 2 * 400);

    const requests = await fixture.control.requests();
    const calls = requests.filter((entry) => entry.auth === 'bearer');
    expect(calls.length).toBeGreaterThan(40);
    expect(calls.filter((entry) => entry.status !== 200)).toEqual([]);
    expect(new Set(calls.map((entry) => entry.clientId))).toEqual(new Set([IMPORT_CLIENT.clientId]));

    const after = await client(IMPORT_CLIENT.clientId);
    const issued = after.tokenRequests.issued - before.tokenRequests.issued;
    expect(after.tokenRequests.refused).toBe(before.tokenRequests.refused);
    expect(issued, `tokens issued in ${durationMs} ms`).toBeGreaterThanOrEqual(4);
    expect(issued, `tokens issued in ${durationMs} ms`).toBeLessThanOrEqual(
      Math.ceil(durationMs / USED_LIFETIME_MS) + 1,
    );
    await expectTablesEqual('oimport', ['journal_lines']);
  });

  it('a 503 with Retry-After and a reset at the token endpoint are retried, and the sync succeeds', async () => {
    await fixture.control.fault({ kind: 'slow', endpoint: 'connectors', delayMs: LATENCY_MS });
    // Past the cached token's lifetime, so the sync's first call asks for a new token and meets
    // the faults (waiting for a renewal mid-sync would depend on how fast the machine reads).
    await sleep(TTL_SECONDS * 1000);
    await fixture.control.clearRequests();
    await fixture.control.fault({ kind: 'unavailable', endpoint: 'token', count: 1, retryAfterSeconds: 1 });
    await fixture.control.fault({ kind: 'reset', endpoint: 'token', count: 1 });
    const handle = await startSync(fixture.target, 'osync', { ...OPTIONS, full: true });
    const result = await handle.result();
    await fixture.control.clearFaults();
    expect(result.status).toBe('succeeded');

    const requests = await fixture.control.requests();
    const outcomes = requests
      .filter((entry) => entry.auth === 'oauth-client')
      .map((entry) => entry.fault ?? entry.status);
    const faulted = outcomes.indexOf('unavailable');
    expect(faulted, outcomes.join(' ')).toBeGreaterThanOrEqual(0);
    expect(outcomes.slice(faulted, faulted + 3)).toEqual(['unavailable', 'reset', 200]);
    expect(requests.filter((entry) => entry.auth === 'bearer' && entry.status !== 200)).toEqual([]);
    await expectTablesEqual('osync');
  });

  it('a client AFAS refuses stops the source after one token request, until `source update`', async () => {
    // The operator rotated the secret in AFAS; the source still holds the old one.
    await fixture.control.call('POST', `oauth/clients/${SYNC_CLIENT.clientId}/secret`, {
      clientSecret: NEW_SECRET,
      invalidateTokens: true,
    });
    // Past the cached token's lifetime, so the first call goes straight to the token endpoint.
    await sleep(TTL_SECONDS * 1000);
    await fixture.control.clearRequests();
    const before = await client(SYNC_CLIENT.clientId);
    const failed = await sync('osync');
    expect(failed.status).toBe('failed');

    const after = await client(SYNC_CLIENT.clientId);
    expect(after.tokenRequests).toEqual({
      issued: before.tokenRequests.issued,
      refused: before.tokenRequests.refused + 1,
    });
    const requests = await fixture.control.requests();
    expect(requests.map((entry) => [entry.auth, entry.clientId, entry.status])).toEqual([
      ['oauth-client', SYNC_CLIENT.clientId, 401],
    ]);
    const source = await fixture.app.sources.get('osync');
    expect(source.status).toBe('needs_attention');
    expect(source.statusReason).toContain('invalid_client');
    expect(source.statusReason).toContain(REJECTION);

    // Scheduled and manual syncs skip it without calling AFAS.
    await fixture.control.clearRequests();
    const tick = await fixture.temporal.client.workflow.execute<typeof scheduledSync>('scheduledSync', {
      taskQueue: fixture.temporal.taskQueue,
      workflowId: 'afas-scheduled/osync-oauth-1',
      args: [{ source: 'osync', trigger: 'schedule', options: OPTIONS }],
    });
    expect(tick).toMatchObject({ skipped: true } satisfies Partial<ScheduledSyncResult>);
    expect((tick as { reason: string }).reason).toContain(REJECTION);
    const manual = await sync('osync');
    expect(manual.status).toBe('skipped');
    expect(await fixture.control.requests()).toEqual([]);

    // The operator stores the new secret; the check against metainfo passes, the source is active.
    const secretFile = join(scratch, 'client-secret');
    await writeFile(secretFile, `${NEW_SECRET}\n`, { mode: 0o600 });
    const update = await runCli(
      ['source', 'update', 'osync', '--client-id', SYNC_CLIENT.clientId, '--client-secret-file', secretFile],
      { env: { ...env, LOG_LEVEL: 'debug' } },
    );
    expect(update, update.stderr).toMatchObject({ code: 0 });
    expect((await fixture.app.sources.get('osync')).status).toBe('active');
    const again = await sync('osync');
    expect(again.status).toBe('succeeded');
    await expectTablesEqual('osync');
  });

  it('no client secret or access token appears in plain in logs, histories, /metrics or the database', async () => {
    const issued = (
      await fixture.control.call<{ tokens: { accessToken: string }[] }>('GET', 'oauth/issued-tokens')
    ).tokens.map((token) => token.accessToken);
    expect(issued.length).toBeGreaterThanOrEqual(10);
    const basic = (clientId: string, secret: string) =>
      Buffer.from(`${clientId}:${secret}`, 'utf8').toString('base64');
    const needles = [
      ...SECRETS,
      // The secret as HTTP Basic carries it, and hex (how a bytea column prints).
      basic(SYNC_CLIENT.clientId, SYNC_CLIENT.clientSecret),
      basic(SYNC_CLIENT.clientId, NEW_SECRET),
      basic(IMPORT_CLIENT.clientId, IMPORT_CLIENT.clientSecret),
      ...SECRETS.map((secret) => Buffer.from(secret, 'utf8').toString('hex')),
      ...issued,
    ];
    const found = (text: string) => needles.filter((needle) => text.includes(needle));

    // The worker's own output (it logged at debug level), the CLI's, and this process's.
    const logs = [...worker.output, ...allOutput, ...capturedLogs].join('\n');
    expect(logs).toContain('osync');
    expect(logs).toContain(REJECTION);
    expect(found(logs)).toEqual([]);

    // Every workflow history of the test's task queue, as JSON.
    let histories = 0;
    let mentionRejection = 0;
    for await (const { history } of fixture.temporal.client.workflow
      .list({ query: `TaskQueue = '${fixture.temporal.taskQueue}'` })
      .intoHistories()) {
      const text = historyToJSON(history as Parameters<typeof historyToJSON>[0]);
      histories += 1;
      if (text.includes(REJECTION)) mentionRejection += 1;
      expect(found(text)).toEqual([]);
    }
    expect(histories).toBeGreaterThanOrEqual(6);
    expect(mentionRejection).toBeGreaterThan(0);

    // The worker's /metrics, with its per-source series.
    const metrics = await (await request(`http://127.0.0.1:${metricsPort}/metrics`)).body.text();
    expect(metrics).toContain('source="osync"');
    expect(found(metrics)).toEqual([]);

    // Every row of every table, whole, as text. The scan finds what is stored in plain (the
    // client id) and a value planted for the purpose, so a leak could not slip past it.
    const schema = fixture.db.schema;
    expect(await scanDatabase(fixture.db.pool, [SYNC_CLIENT.clientId])).toContainEqual({
      table: `${schema}.sources`,
      needle: SYNC_CLIENT.clientId,
    });
    const planted = `planted-${issued[0]}`;
    const plant = await fixture.db.pool.query(
      `UPDATE ${schema}.sync_runs SET error = $1 WHERE run_id = (SELECT min(run_id) FROM ${schema}.sync_runs)`,
      [planted],
    );
    expect(plant.rowCount).toBe(1);
    expect(await scanDatabase(fixture.db.pool, needles)).toEqual([
      { table: `${schema}.sync_runs`, needle: issued[0] },
    ]);
    await fixture.db.pool.query(`UPDATE ${schema}.sync_runs SET error = NULL WHERE error = $1`, [planted]);
    expect(await scanDatabase(fixture.db.pool, needles)).toEqual([]);
  });
});
