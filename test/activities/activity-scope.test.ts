// The one activity scope, exercised through real sync and import activities in Temporal's mock
// activity environment, against real PostgreSQL and the simulator over HTTP.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivityScope } from '../../src/activities/activity-scope.js';
import {
  DEFAULT_ACTIVITY_SETTINGS,
  type ActivityDeps,
  type AfasClientProvider,
} from '../../src/activities/deps.js';
import { createImportActivities } from '../../src/activities/import-activities.js';
import { createLedgerActivities } from '../../src/activities/ledger-activities.js';
import { AfasClient } from '../../src/afas/client.js';
import { createSyncActivities } from '../../src/activities/sync-activities.js';
import { contextFor } from '../../src/app/context.js';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { ImportNotFoundError, PartitionConflictError } from '../../src/db/import-state.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { FailureType } from '../../src/temporal/failure-types.js';
import { afasConnector, CachedAfasClients } from '../../src/worker/afas-clients.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SimControl } from '../helpers/simulator.js';
import { TEST_SECRET_KEY, testLogger } from '../helpers/temporal.js';

const TOKEN = 'C0DE0123456789ABCDEFC0DE0123456789ABCDEFC0DE0123456789ABCDEF0123';
const OTHER_KEY = parseSecretKey('22'.repeat(32), 'other key');

describe('the activity scope shared by sync and import activities', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let control: SimControl;
  let deps: ActivityDeps;
  let clients: CachedAfasClients;

  beforeAll(async () => {
    db = await createTestDatabase();
    sim = await startSimulator({
      control: true,
      administrations: 1,
      years: [2025],
      linesPerYear: 20,
      tokens: [{ token: TOKEN }],
    });
    control = new SimControl(sim.url);
    const app = contextFor(db.pool, {
      dbSchema: db.schema,
      secretKey: TEST_SECRET_KEY,
      previousSecretKeys: [],
    });
    const source = { environmentId: '1', environmentType: 'test' as const, baseUrl: sim.baseUrl };
    await app.sources.add({ ...source, name: 'good', token: TOKEN });
    // The store seals whatever it is given; the AFAS client checks the token's shape before use.
    await app.sources.add({ ...source, name: 'misshapen', token: 'not a token; secret=hunter2' });
    const elsewhere = contextFor(db.pool, {
      dbSchema: db.schema,
      secretKey: OTHER_KEY,
      previousSecretKeys: [],
    });
    await elsewhere.sources.add({ ...source, name: 'sealed-elsewhere', token: TOKEN });
    await app.sources.add({ ...source, name: 'oauth-refused', token: TOKEN });
    await app.sources.add({ ...source, name: 'oauth-refused-encoded', token: TOKEN });
    clients = new CachedAfasClients(afasConnector(app.sources, { requestTimeoutMs: 10_000, connections: 1 }));
    deps = {
      pool: db.pool,
      schema: db.schema,
      sources: app.sources,
      runs: app.runs,
      state: app.state,
      changedDays: app.changedDays,
      clients,
      logger: testLogger(),
      settings: DEFAULT_ACTIVITY_SETTINGS,
    };
  });

  afterAll(async () => {
    await clients?.close();
    await sim?.close();
    await db?.drop();
  });

  describe('a source whose credential cannot be opened needs attention, and AFAS is not called', () => {
    const activities = () => ({
      ...createSyncActivities(deps),
      ...createImportActivities(deps),
      ...createLedgerActivities(deps),
    });
    const runRef = { runId: 'run-1' };
    const cases = {
      planImport: (source: string) =>
        activities().planImport({
          ...runRef,
          source,
          importId: 'imp-1',
          administrations: [1],
          requestsPerMinute: null,
        }),
      importPartition: (source: string) =>
        activities().importPartition({
          ...runRef,
          source,
          importId: 'imp-1',
          key: 'journal_lines/1/2025/01',
          options: {
            partitionRowLimit: 100_000,
            pageSize: null,
            maxPagesPerActivity: 10,
            requestsPerMinute: null,
          },
        }),
      checkSource: (source: string) => activities().checkSource({ ...runRef, source }),
      repairLedgerPeriod: (source: string) =>
        activities().repairLedgerPeriod({ ...runRef, source, administration: 1, year: 2025, period: 1 }),
      replaceDays: (source: string) =>
        activities().replaceDays({
          ...runRef,
          source,
          dataset: 'journal_lines',
          administration: 1,
          days: [],
        }),
    };

    beforeEach(async () => {
      for (const name of ['misshapen', 'sealed-elsewhere'])
        await deps.sources.markChecked(name, { ok: true });
      await control.clearRequests();
    });

    it.each([
      ['sealed-elsewhere', FailureType.SourceToken],
      ['misshapen', FailureType.AfasClientBug],
    ] as const)('%s', async (source, type) => {
      for (const [activity, run] of Object.entries(cases)) {
        await deps.sources.markChecked(source, { ok: true });
        const failure: unknown = await new MockActivityEnvironment()
          .run(run, source)
          .catch((error: unknown) => error);
        expect(failure, activity).toBeInstanceOf(ApplicationFailure);
        expect(failure, activity).toMatchObject({ type, nonRetryable: true });
        const record = await deps.sources.get(source);
        expect({ activity, status: record.status, reason: record.statusReason }).toEqual({
          activity,
          status: 'needs_attention',
          reason: (failure as ApplicationFailure).message,
        });
      }
      expect(await control.requests()).toEqual([]);
    });
  });

  it('heartbeats in the background with the latest details', async () => {
    const environment = new MockActivityEnvironment({ heartbeatTimeoutMs: 600 });
    const beats: unknown[] = [];
    environment.on('heartbeat', (details: unknown) => beats.push(details));
    const { withAfas } = createActivityScope(deps);
    await environment.run(() =>
      withAfas('good', async ({ heartbeat }) => {
        heartbeat({ page: 1 });
        heartbeat({ page: 2 });
        await sleep(1_000);
      }),
    );
    expect(beats.slice(0, 2)).toEqual([{ page: 1 }, { page: 2 }]);
    // Every 200 ms (a third of the timeout) while the body waited, repeating the last details.
    expect(beats.length).toBeGreaterThanOrEqual(5);
    expect(new Set(beats.slice(1).map((beat) => JSON.stringify(beat)))).toEqual(new Set(['{"page":2}']));
  });

  it('holds the AFAS client exactly while the body runs, and lets go however it ends', async () => {
    let held = 0;
    const counting: AfasClientProvider = {
      async open(source) {
        const lease = await clients.open(source);
        held += 1;
        return {
          api: lease.api,
          release: async () => {
            held -= 1;
            await lease.release();
          },
        };
      },
      close: () => clients.close(),
    };
    const { withAfas } = createActivityScope({ ...deps, clients: counting });
    const environment = new MockActivityEnvironment();
    const during = await environment.run(() =>
      withAfas('good', async ({ session }) => {
        await session.metainfo();
        return held;
      }),
    );
    expect({ during, after: held }).toEqual({ during: 1, after: 0 });
    await expect(
      environment.run(() => withAfas('good', () => Promise.reject(new TypeError('a bug in the body')))),
    ).rejects.toBeInstanceOf(ApplicationFailure);
    expect(held).toBe(0);
  });

  // A secret that url-encoding changes is sent both ways (RFC 6749's form, then AFAS's raw form)
  // before the client counts as refused; a plain one has one form and one request.
  it.each([
    { secret: 'wrong-secret-5e6f7a8b9c', clientId: 'refused-app', name: 'oauth-refused', requests: 1 },
    { secret: 'wrong+secret/5e6f=', clientId: 'refused-encoded', name: 'oauth-refused-encoded', requests: 2 },
  ])(
    'an OAuth client AFAS refuses marks the source with its description, after $requests token request(s)',
    async ({ secret, clientId, name, requests }) => {
      await control.call('POST', 'oauth/clients', { clientId, clientSecret: 'the-right-one' });
      // The store of this branch seals classic tokens only: the lease hands out an OAuth client directly.
      const oauth = new AfasClient({
        environmentId: '1',
        environmentType: 'test',
        baseUrl: sim.baseUrl,
        oauthClient: { clientId, clientSecret: secret },
      });
      const provider: AfasClientProvider = {
        open: () => Promise.resolve({ api: oauth, release: () => Promise.resolve() }),
        close: () => oauth.close(),
      };
      const { withAfas } = createActivityScope({ ...deps, clients: provider });
      await control.clearRequests();
      const failure: unknown = await new MockActivityEnvironment()
        .run(() => withAfas(name, ({ session }) => session.metainfo()))
        .catch((error: unknown) => error);
      await oauth.close();
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: FailureType.AfasAuth, nonRetryable: true });
      const message = (failure as ApplicationFailure).message;
      // AFAS's error_description is what the operator reads.
      expect(message).toMatch(/invalid_client\): Client authentication failed$/);
      for (const form of [
        secret,
        encodeURIComponent(secret),
        Buffer.from(`${clientId}:${secret}`).toString('base64'),
      ]) {
        expect(message).not.toContain(form);
      }
      const record = await deps.sources.get(name);
      expect({ status: record.status, reason: record.statusReason }).toEqual({
        status: 'needs_attention',
        reason: message,
      });
      const { clients: simClients } = await control.call<{
        clients: { clientId: string; tokenRequests: { issued: number; refused: number } }[];
      }>('GET', 'oauth');
      expect(simClients.find((c) => c.clientId === clientId)?.tokenRequests).toEqual({
        issued: 0,
        refused: requests,
      });
      const logged = await control.requests();
      // Token requests only: no connector call went out without a token.
      expect(logged).toHaveLength(requests);
      for (const entry of logged) expect(entry.path).toMatch(/\/oauth\/token$/);
    },
  );

  describe('a client refused while its source changed (issue 15 point 7): re-read once before marking', () => {
    const clientId = 'rotated-app';
    const oldSecret = 'old-secret-1a2b3c4d5e';
    const newSecret = 'new-secret-6f7a8b9c0d';
    type Counters = { issued: number; refused: number };
    async function counters(): Promise<Counters | undefined> {
      const overview = await control.call<{ clients: { clientId: string; tokenRequests: Counters }[] }>(
        'GET',
        'oauth',
      );
      return overview.clients.find((entry) => entry.clientId === clientId)?.tokenRequests;
    }

    beforeAll(async () => {
      await control.call('POST', 'oauth/clients', { clientId, clientSecret: oldSecret });
      const oauth = { kind: 'oauth' as const, clientId, clientSecret: oldSecret };
      const settings = { environmentId: '1', environmentType: 'test' as const, baseUrl: sim.baseUrl };
      await deps.sources.add({ ...settings, name: 'oauth-rotated', credential: oauth });
      await deps.sources.add({ ...settings, name: 'oauth-marked-meanwhile', credential: oauth });
    });

    it('a secret rotated in AFAS and then by `source update`: retried with the new secret, not marked', async () => {
      const { withAfas } = createActivityScope(deps);
      const before = await counters();
      // A first attempt with its total-time budget ahead of it (the mock's default is spent).
      const attempt = { scheduledTimestampMs: Date.now(), scheduleToCloseTimeoutMs: 3_600_000 };
      const failure: unknown = await new MockActivityEnvironment(attempt)
        .run(() =>
          withAfas('oauth-rotated', async ({ session }) => {
            await session.metainfo();
            // The operator rotates the secret in AFAS (its tokens die with it), then in afas-sync.
            await control.call('POST', `oauth/clients/${clientId}/secret`, {
              clientSecret: newSecret,
              invalidateTokens: true,
            });
            await deps.sources.update('oauth-rotated', {
              credential: { kind: 'oauth', clientId, clientSecret: newSecret },
            });
            // This activity's client still holds the old secret: its renewal is refused.
            await session.metainfo();
          }),
        )
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: FailureType.SourceChanged, nonRetryable: false });
      const message = (failure as ApplicationFailure).message;
      expect(message).toMatch(/invalid_client\): Client authentication failed \(the source was changed/);
      expect(message).not.toContain(oldSecret);
      expect((await deps.sources.get('oauth-rotated')).status).toBe('active');

      // The retry opens the source as it is now, and AFAS takes its secret.
      await new MockActivityEnvironment().run(() =>
        withAfas('oauth-rotated', ({ session }) => session.metainfo()),
      );
      expect((await deps.sources.get('oauth-rotated')).status).toBe('active');
      const after = await counters();
      // One token for each secret, and the one refusal of the old secret.
      expect({
        issued: (after?.issued ?? 0) - (before?.issued ?? 0),
        refused: (after?.refused ?? 0) - (before?.refused ?? 0),
      }).toEqual({ issued: 2, refused: 1 });
    });

    it('a source marked meanwhile (another activity met the refusal) is not retried: marked, final', async () => {
      const { withAfas } = createActivityScope(deps);
      await control.call('POST', `oauth/clients/${clientId}/secret`, {
        clientSecret: 'yet-another-secret-24680',
        invalidateTokens: true,
      });
      const failure: unknown = await new MockActivityEnvironment()
        .run(() =>
          withAfas('oauth-marked-meanwhile', async ({ session }) => {
            await deps.sources.markNeedsAttention('oauth-marked-meanwhile', 'refused elsewhere');
            await session.metainfo();
          }),
        )
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ type: FailureType.AfasAuth, nonRetryable: true });
      const record = await deps.sources.get('oauth-marked-meanwhile');
      expect({ status: record.status, reason: record.statusReason }).toEqual({
        status: 'needs_attention',
        reason: (failure as ApplicationFailure).message,
      });
    });
  });

  it('a cancelled activity reports as cancelled, not as an AFAS failure', async () => {
    const environment = new MockActivityEnvironment();
    const { withAfas } = createActivityScope(deps);
    const running = environment.run(() =>
      withAfas('good', ({ signal }) => sleep(10_000, undefined, { signal })),
    );
    setTimeout(() => environment.cancel(), 100);
    await expect(running).rejects.toBeInstanceOf(CancelledFailure);
  });

  it('maps the import store errors in database-only activities too', async () => {
    const { withDatabase } = createActivityScope(deps);
    const environment = new MockActivityEnvironment();
    await expect(
      environment.run(() => withDatabase(() => Promise.reject(new ImportNotFoundError('imp-9')))),
    ).rejects.toMatchObject({ type: FailureType.ImportNotFound, nonRetryable: true });
    await expect(
      environment.run(() =>
        withDatabase(() => Promise.reject(new PartitionConflictError('imp-9', 'p', 1, 2))),
      ),
    ).rejects.toMatchObject({ type: FailureType.ImportPartitionConflict, nonRetryable: false });
  });
});
