// A sync's write of one scope (replaceScope) against the simulator over HTTP and real PostgreSQL:
// pages go to a stage with no transaction open while AFAS is paged, readers see the whole scope
// or none of it, and stages of failed attempts do not pile up.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AfasClient } from '../../src/afas/index.js';
import { AfasSession } from '../../src/activities/afas-session.js';
import { prepareDataset, replaceScope, type DatasetSyncContext } from '../../src/activities/dataset-sync.js';
import type { AppContext } from '../../src/app/context.js';
import { dataset } from '../../src/catalog/index.js';
import { stageSchema } from '../../src/db/scope-stage.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SimControl } from '../helpers/simulator.js';
import { testAppContext } from '../helpers/temporal.js';

const TOKEN = 'SCOPESTAGE0123456789ABCDEF0123456789ABCDEF';

describe('replaceScope: stage first, then one short transaction', () => {
  let db: TestDatabase;
  let app: AppContext;
  let sim: RunningSimulator;
  let afas: AfasClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = testAppContext(db);
    sim = await startSimulator({ seed: 14, administrations: 2, control: true, tokens: [{ token: TOKEN }] });
    afas = new AfasClient({
      environmentId: '1',
      environmentType: 'test',
      baseUrl: sim.baseUrl,
      token: TOKEN,
    });
    await app.sources.add({
      name: 'stage',
      token: TOKEN,
      environmentId: '1',
      environmentType: 'test',
      baseUrl: sim.baseUrl,
    });
  });
  afterAll(async () => {
    await afas.close();
    await sim.close();
    await db.drop();
  });

  /** A context whose session runs `between` after each page it yields (to look at the database then). */
  async function context(
    between: () => Promise<void> = () => Promise.resolve(),
  ): Promise<DatasetSyncContext> {
    const runId = randomUUID();
    await app.runs.start({ runId, source: 'stage', kind: 'sync', workflowId: 'w', workflowRunId: 'r' });
    const session = new AfasSession(
      afas,
      { attempts: 1, baseDelayMs: 1, maxInlineWaitMs: 1 },
      new AbortController().signal,
    );
    const pages = session.pages.bind(session);
    session.pages = async function* (...args: Parameters<typeof pages>) {
      for await (const page of pages(...args)) {
        yield page;
        await between();
      }
    };
    return { ...app, session, source: 'stage', runId, heartbeat: () => undefined };
  }

  const scope = { definition: dataset('gl_accounts'), connectorId: 'Profit_Accounts', administration: 0 };
  const liveAccounts = async () =>
    Number(
      (
        await db.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM afas.gl_accounts WHERE _source = 'stage' AND _deleted_at IS NULL`,
        )
      ).rows[0]?.n,
    );
  const openTransactions = async () =>
    Number(
      (
        await db.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
        )
      ).rows[0]?.n,
    );
  const stages = async () =>
    (
      await db.pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1`,
        [stageSchema(db.schema)],
      )
    ).rows.map((row) => row.name);

  it('holds no transaction open and shows readers nothing while AFAS is paged', async () => {
    const seen: { open: number; live: number }[] = [];
    const ctx = await context(async () => {
      seen.push({ open: await openTransactions(), live: await liveAccounts() });
    });
    const resolved = await prepareDataset(ctx, scope);
    // Small pages, so the scope takes several.
    const expected = (await new SimControl(sim.url).export('Profit_Accounts')).length;
    const outcome = await replaceScope(ctx, scope, resolved, { orderBy: ['Account'] });
    expect(outcome.counts.inserted).toBe(expected);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((sample) => sample.open === 0 && sample.live === 0)).toBe(true);
    expect(await liveAccounts()).toBe(expected);
    expect(await stages()).toEqual([]);
  });

  it.each([
    ['holds no row of: to a file, read back into the table at the replace', false],
    ['holds rows of: to a stage table', true],
  ])('a scope beyond the memory budget that the table %s, with the same guarantees', async (_, held) => {
    const expected = (await new SimControl(sim.url).export('Profit_Accounts')).length;
    await db.pool.query(`DELETE FROM afas.gl_accounts WHERE _source = 'stage'`);
    const seen: { open: number; live: number; stages: number; old: number }[] = [];
    const ctx = await context(async () => {
      seen.push({
        open: await openTransactions(),
        live: await liveAccounts(),
        stages: (await stages()).length,
        old: (await db.pool.query(`SELECT 1 FROM afas.gl_accounts WHERE _raw = '{}'::jsonb`)).rowCount ?? 0,
      });
    });
    const resolved = await prepareDataset(ctx, scope);
    if (held) {
      const first = await replaceScope(await context(), scope, resolved, { orderBy: ['Account'] });
      expect(first.counts.inserted).toBe(expected);
      await db.pool.query(`UPDATE afas.gl_accounts SET _raw = '{}'::jsonb WHERE _source = 'stage'`);
    }
    const outcome = await replaceScope(ctx, scope, resolved, { orderBy: ['Account'], heldBytes: 0 });
    expect(outcome.counts).toMatchObject(held ? { inserted: 0, updated: expected } : { inserted: expected });
    expect(seen.length).toBeGreaterThan(0);
    const live = held ? expected : 0;
    expect(seen.every((sample) => sample.open === 0 && sample.live === live && sample.old === live)).toBe(
      true,
    );
    expect(seen.every((sample) => sample.stages === (held ? 1 : 0))).toBe(true);
    expect(await liveAccounts()).toBe(expected);
    const changed = await db.pool.query(`SELECT 1 FROM afas.gl_accounts WHERE _raw = '{}'::jsonb`);
    expect(changed.rowCount).toBe(0);
    expect(await stages()).toEqual([]);
  });

  it('a failure while paging leaves the table as it was and no stage; orphaned stages are dropped', async () => {
    const before = await liveAccounts();
    await db.pool.query(`UPDATE afas.gl_accounts SET _raw = '{}'::jsonb WHERE _source = 'stage'`);
    const failing = await context(() => Promise.reject(new Error('worker lost between pages')));
    const resolved = await prepareDataset(failing, scope);
    await expect(replaceScope(failing, scope, resolved)).rejects.toThrow('worker lost between pages');
    expect(await liveAccounts()).toBe(before);
    const untouched = await db.pool.query(
      `SELECT count(*)::int AS n FROM afas.gl_accounts WHERE _raw = '{}'::jsonb`,
    );
    expect(untouched.rows[0]).toEqual({ n: before });
    expect(await stages()).toEqual([]);
    // A worker killed mid-scope cleans nothing up: its stage is dropped once it is older than any attempt.
    const crashed = await context();
    const leftover = await db.pool.query(
      `CREATE UNLOGGED TABLE ${stageSchema(db.schema)}.s${Math.floor(Date.now() / 1000) - 7 * 3600}_000000000000_00000000 (x int)`,
    );
    expect(leftover.command).toBe('CREATE');
    expect(await stages()).toHaveLength(1);
    const repaired = await replaceScope(crashed, scope, resolved);
    expect(repaired.counts.updated).toBe(before);
    expect(await stages()).toEqual([]);
  });
});
