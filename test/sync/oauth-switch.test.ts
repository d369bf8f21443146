// Issue 16: a source switched from a classic token to an OAuth client mid-life keeps syncing where
// it stood. Real worker, Temporal, PostgreSQL and the simulator: a classic sync, the switch (as
// `source update --client-id … --client-secret-file …` stores it), then a sync that reads only what
// changed, with Bearer tokens only, and every table equal to AFAS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorIdFor, DATASETS } from '../../src/catalog/index.js';
import { startSync } from '../../src/client/sync-control.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN = 'C1A551C0123456789ABCDEFC1A551C0123456789ABCDEFC1A551C0123456789A';
const CLIENT = { clientId: 'mig-client', clientSecret: 'mig-secret-5e1f0c2a9d' };
const SYNC_OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };
const JOURNAL_LINES = connectorIdFor(
  DATASETS.find((definition) => definition.name === 'journal_lines') ?? DATASETS[0]!,
  { connectorPrefix: 'Profit_', connectorMap: {} },
);

describe('switching a source from a classic token to OAuth mid-life', () => {
  let fixture: SyncFixture;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 16,
        administrations: 1,
        years: [2026],
        linesPerYear: 2_000,
        tokens: [{ token: TOKEN }],
        oauthClients: [CLIENT],
      },
      sources: [{ name: 'mig', token: TOKEN }],
    });
  });
  afterAll(() => fixture?.close());

  async function sync() {
    const result = await (await startSync(fixture.target, 'mig', SYNC_OPTIONS)).result();
    expect(result.status).toBe('succeeded');
    return result;
  }

  async function expectAllEqual() {
    for (const definition of DATASETS) {
      await expectTableEqualsSimulator(fixture.db.pool, fixture.control, fixture.afas, {
        source: 'mig',
        name: definition.name,
        administrations: [1],
      });
    }
  }

  const watermarks = async () =>
    (
      await fixture.db.pool.query<{ key: string; watermark: string }>(
        `SELECT dataset || '/' || administration AS key, watermark FROM afas.sync_state
          WHERE source = 'mig' AND watermark IS NOT NULL ORDER BY 1`,
      )
    ).rows;

  it('syncs incrementally after the switch, with Bearer tokens only, every table exact', async () => {
    const first = await sync();
    expect(first.totals.inserted).toBeGreaterThan(2_000);
    await expectAllEqual();
    const before = await watermarks();
    expect(before.length).toBeGreaterThan(0);

    await fixture.app.sources.update('mig', { credential: { kind: 'oauth', ...CLIENT } });
    await fixture.control.call('POST', 'mutate-random', { days: 2, seed: 4 });
    await fixture.control.clearRequests();
    const second = await sync();
    expect(second.totals.inserted + second.totals.updated + second.totals.deleted).toBeGreaterThan(0);
    await expectAllEqual();

    const requests = await fixture.control.requests();
    const calls = requests.filter((request) => request.auth !== 'oauth-client');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((request) => request.auth === 'bearer' && request.clientId === CLIENT.clientId)).toBe(
      true,
    );
    // One access token serves the whole sync (its lifetime is an hour).
    expect(requests.filter((request) => request.auth === 'oauth-client')).toHaveLength(1);

    // Incremental: the journal lines read are the changed days, not the 2,000 lines again.
    const lines = requests
      .filter((request) => request.connector === JOURNAL_LINES)
      .reduce((sum, request) => sum + (request.rows ?? 0), 0);
    expect(lines).toBeGreaterThan(0);
    expect(lines).toBeLessThan(1_000);
    const after = new Map((await watermarks()).map((row) => [row.key, row.watermark]));
    for (const { key, watermark } of before) expect(after.get(key)! >= watermark, key).toBe(true);
  });
});
