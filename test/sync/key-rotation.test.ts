import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { contextFor, type AppContext } from '../../src/app/context.js';
import { startSync } from '../../src/client/sync-control.js';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SimControl } from '../helpers/simulator.js';
import { connectTestTemporal, type TemporalTestContext } from '../helpers/temporal.js';
import { WorkerProcess } from '../helpers/worker-process.js';

const TOKEN_DATA = 'R07A7E0123456789ABCDEFR07A7E0123456789ABCDEFR07A7E0123456789ABCD';
const OLD_KEY = 'a1'.repeat(32);
const NEW_KEY = 'b2'.repeat(32);
const OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };

describe('secret key rotation with real worker processes', () => {
  let db: TestDatabase;
  let temporal: TemporalTestContext;
  let sim: RunningSimulator;
  let control: SimControl;
  const workers: WorkerProcess[] = [];

  const keys = (current: string, previous: string[] = []) => ({
    dbSchema: 'afas',
    secretKey: parseSecretKey(current, 'test'),
    previousSecretKeys: previous.map((key) => parseSecretKey(key, 'test')),
  });
  const store = (current: string, previous: string[] = []): AppContext =>
    contextFor(db.pool, keys(current, previous));

  async function withWorker<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
    const worker = new WorkerProcess({
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: temporal.taskQueue,
      DATABASE_URL: db.url,
      AFAS_SYNC_SHUTDOWN_GRACE_SECONDS: '1',
      ...env,
    });
    workers.push(worker);
    await worker.start();
    try {
      return await work();
    } finally {
      await worker.kill('SIGTERM');
    }
  }

  const sync = async () =>
    (
      await startSync({ client: temporal.client, taskQueue: temporal.taskQueue }, 'rotating', OPTIONS)
    ).result();

  beforeAll(async () => {
    db = await createTestDatabase();
    temporal = await connectTestTemporal();
    sim = await startSimulator({
      seed: 21,
      administrations: 1,
      years: [2025],
      linesPerYear: 100,
      control: true,
      tokens: [{ token: TOKEN_DATA }],
    });
    control = new SimControl(sim.url);
    await store(OLD_KEY).sources.add({
      name: 'rotating',
      environmentId: '1',
      environmentType: 'test',
      baseUrl: sim.baseUrl,
      token: TOKEN_DATA,
    });
  });

  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    await sim?.close();
    await temporal?.close();
    await db?.drop();
  });

  it('a worker with the new key plus the old one as previous key syncs a token sealed with the old key', async () => {
    const result = await withWorker(
      { AFAS_SYNC_SECRET_KEY: NEW_KEY, AFAS_SYNC_PREVIOUS_SECRET_KEYS: ` ${OLD_KEY} ` },
      sync,
    );
    expect(result.status).toBe('succeeded');
    expect((await store(NEW_KEY, [OLD_KEY]).sources.get('rotating')).tokenKeyId).toBe(
      parseSecretKey(OLD_KEY, 'k').id,
    );
  });

  it('after resealAll the new key alone is enough', async () => {
    const outcome = await store(NEW_KEY, [OLD_KEY]).sources.resealAll();
    expect(outcome).toEqual({ resealed: ['rotating'], failed: [] });
    await control.call('POST', 'mutate-random', { days: 2, seed: 4 });
    const result = await withWorker({ AFAS_SYNC_SECRET_KEY: NEW_KEY }, sync);
    expect(result.status).toBe('succeeded');
    expect(result.totals.inserted + result.totals.updated + result.totals.deleted).toBeGreaterThan(0);
  });

  it('a worker with only the old key fails fast, names the missing key id, and marks the source', async () => {
    await control.clearRequests();
    const started = Date.now();
    const result = await withWorker({ AFAS_SYNC_SECRET_KEY: OLD_KEY }, sync);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.status).toBe('failed');
    const newId = parseSecretKey(NEW_KEY, 'k').id;
    expect(result.error).toBe(
      `stored token was sealed with key ${newId}, which is neither AFAS_SYNC_SECRET_KEY nor in AFAS_SYNC_PREVIOUS_SECRET_KEYS`,
    );
    expect(await control.requests()).toEqual([]);
    const source = await store(NEW_KEY).sources.get('rotating');
    expect(source).toMatchObject({ status: 'needs_attention', statusReason: result.error });
  });

  it('no worker printed the token or a key', () => {
    const output = workers.flatMap((worker) => worker.output).join('');
    expect(output).toContain('worker started');
    const xml = `<token><version>1</version><data>${TOKEN_DATA}</data></token>`;
    for (const secret of [TOKEN_DATA, xml, Buffer.from(xml).toString('base64'), OLD_KEY, NEW_KEY]) {
      expect(output).not.toContain(secret);
    }
  });
});
