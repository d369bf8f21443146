// A source update never fails a running sync: activities already talking to AFAS finish with the
// client they started with, and the new token applies from the next activity on.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorIdFor, storedDataset } from '../../src/catalog/index.js';
import { startSync } from '../../src/client/sync-control.js';
import { syncProgressQuery } from '../../src/workflows/definitions.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN = 'C1DE0123456789ABCDEFC1DE0123456789ABCDEFC1DE0123456789ABCDEF0123';
const NEW_TOKEN = 'D2EF0123456789ABCDEFD2EF0123456789ABCDEFD2EF0123456789ABCDEF0123';
/** Unique among the test files: workflow ids are per source, and files run side by side on one server. */
const SOURCE = 'updated-mid-sync';
const OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };

describe('a source update during a sync', () => {
  let fixture: SyncFixture;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 7,
        administrations: 1,
        years: [2025],
        linesPerYear: 80,
        tokens: [{ token: TOKEN }, { token: NEW_TOKEN }],
      },
      sources: [{ name: SOURCE, token: TOKEN }],
    });
  });

  afterAll(() => fixture?.close());

  it('lets running activities finish with their client; the new token applies from the next one', async () => {
    const { control, app } = fixture;
    const record = await app.sources.get(SOURCE);
    // gl_accounts, the first master-data task, answers very slowly; every other call a little
    // slowly, so the tasks after it start (with the new token) while it still runs.
    await control.fault({ kind: 'slow', connector: 'Profit_Accounts', delayMs: 3_000 });
    await control.fault({ kind: 'slow', delayMs: 400 });
    await control.clearRequests();
    const handle = await startSync(fixture.target, SOURCE, OPTIONS);
    for (;;) {
      const progress = await handle.query(syncProgressQuery);
      const accounts = progress.datasets.find((item) => item.dataset === 'gl_accounts');
      if (accounts?.status === 'running') break;
      expect(progress.status).toBe('running');
      await sleep(50);
    }
    // The gl_accounts activity has opened its client and waits for AFAS's describe answer.
    await sleep(800);
    await app.sources.update(SOURCE, { token: NEW_TOKEN });
    const updatedAt = Date.now();
    // Datasets not started yet open their client after the update: the new one.
    const pending = (await handle.query(syncProgressQuery)).datasets.filter(
      (item) => item.status === 'pending',
    );
    const laterConnectors = new Set(
      pending.map((item) => connectorIdFor(storedDataset(item.dataset), record)),
    );
    const result = await handle.result();
    await control.clearFaults();

    expect(result.failures).toEqual([]);
    expect(result.status).toBe('succeeded');
    const datasets = await app.runs.datasetsOf(result.runId);
    expect(datasets.length).toBeGreaterThan(5);
    expect(datasets.filter((entry) => entry.status !== 'succeeded')).toEqual([]);
    // What the test is about did happen: gl_accounts asked for its page (on its old client) after
    // the update, and activities that started after the update (on a new client) called AFAS
    // before that.
    const arrived = (entry: { timestamp: string }) => Date.parse(entry.timestamp);
    const calls = await control.requests();
    const accountsPage = calls.filter((entry) => entry.connector === 'Profit_Accounts').at(-1);
    if (!accountsPage) throw new Error('gl_accounts made no AFAS call');
    expect(arrived(accountsPage)).toBeGreaterThan(updatedAt);
    const meanwhile = calls.filter(
      (entry) =>
        entry.connector !== null &&
        laterConnectors.has(entry.connector) &&
        arrived(entry) < arrived(accountsPage),
    );
    expect(meanwhile.length).toBeGreaterThan(0);

    // The worker now uses the new token: with the old one revoked, the next sync succeeds.
    await control.call('POST', 'tokens/revoke', { token: TOKEN });
    const next = await (await startSync(fixture.target, SOURCE, OPTIONS)).result();
    expect(next.status).toBe('succeeded');
    expect((await app.sources.get(SOURCE)).status).toBe('active');
  });
});
