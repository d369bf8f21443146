import { AfasClient } from '../../src/afas/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { DATASETS } from '../../src/catalog/index.js';
import { startSync } from '../../src/client/sync-control.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SimControl } from '../helpers/simulator.js';
import { connectTestTemporal, startTestWorker, testAppContext, type TemporalTestContext } from '../helpers/temporal.js';

const TOKEN_DATA = 'C0FFEE0123456789C0FFEE0123456789C0FFEE0123456789C0FFEE0123456789';
const SYNC_OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };

describe('sync saga: two sources × three administrations', () => {
  let db: TestDatabase;
  let app: AppContext;
  let temporal: TemporalTestContext;
  let sim: RunningSimulator;
  let control: SimControl;
  let afas: AfasClient;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = testAppContext(db);
    temporal = await connectTestTemporal();
    sim = await startSimulator({
      seed: 7,
      administrations: 3,
      years: [2024, 2025],
      linesPerYear: 300,
      control: true,
      tokens: [{ token: TOKEN_DATA }],
      finstackAdministrationIds: [1, 3],
    });
    control = new SimControl(sim.url);
    afas = new AfasClient({ environmentId: '12345', environmentType: 'test', baseUrl: sim.baseUrl, token: TOKEN_DATA });
    for (const [name, prefix] of [
      ['alpha', 'Profit_'],
      ['beta', 'Finstack_'],
    ] as const) {
      await app.sources.add({
        name,
        environmentId: '12345',
        environmentType: 'test',
        baseUrl: sim.baseUrl,
        token: `<token><version>1</version><data>${TOKEN_DATA}</data></token>`,
        connectorPrefix: prefix,
      });
    }
    worker = await startTestWorker(temporal, app);
  });

  afterAll(async () => {
    await worker?.stop();
    await afas?.close();
    await sim?.close();
    await temporal?.close();
    await db?.drop();
  });

  async function sync(source: string) {
    const handle = await startSync({ client: temporal.client, taskQueue: temporal.taskQueue }, source, SYNC_OPTIONS);
    return handle.result();
  }

  async function expectAllEqual(source: string, prefix: string, administrations: number[]) {
    for (const definition of DATASETS) {
      await expectTableEqualsSimulator(db.pool, control, afas, { source, name: definition.name, prefix, administrations });
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
    const admin2 = await db.pool.query(`SELECT count(*)::int AS n FROM afas.journal_lines WHERE _source = 'beta' AND _administration = 2`);
    expect(admin2.rows[0]).toEqual({ n: 0 });
    const runs = await app.runs.list('alpha');
    expect(runs[0]).toMatchObject({ status: 'succeeded', kind: 'sync' });
    expect(runs[0]?.rowsInserted).toBe(alpha.totals.inserted);
  });
});
