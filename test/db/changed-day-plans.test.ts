// The changed-days plan of a run in PostgreSQL (migration 0010): stored per batch, read by number,
// replaced by a retried plan, dropped when served, and leftovers of ended runs cleared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { RunStore } from '../../src/db/runs.js';
import { SourceStore } from '../../src/db/sources.js';
import { ChangedDaysStore } from '../../src/db/sync-state.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const TOKEN =
  '<token><version>1</version><data>ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789</data></token>';
const day = (date: string) => ({ day: date, modified: `${date}T10:00:00` });

describe('changed-days plans', () => {
  let db: TestDatabase;
  let store: ChangedDaysStore;
  let runs: RunStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new ChangedDaysStore(db.schema);
    runs = new RunStore(db.pool, db.schema);
    const sources = new SourceStore(db.pool, db.schema, {
      current: parseSecretKey('cc'.repeat(32), 'k'),
      previous: [],
    });
    await sources.add({ name: 'acme', environmentId: '12345', environmentType: 'test', token: TOKEN });
    for (const runId of ['run-a', 'run-b', 'run-c'])
      await runs.start({ runId, source: 'acme', kind: 'sync', workflowId: 'w', workflowRunId: runId });
  });
  afterAll(() => db?.drop());

  it('stores every administration’s batches numbered from 1 and reads one back by number', async () => {
    await store.savePlan(db.pool, { runId: 'run-a', dataset: 'journal_lines' }, [
      { administration: 1, batches: [[day('2024-01-01'), day('2024-01-02')], [day('2024-01-03')]] },
      { administration: 2, batches: [] },
      { administration: 3, batches: [[day('2024-02-01')]] },
    ]);
    const key = { runId: 'run-a', dataset: 'journal_lines', administration: 1 };
    expect(await store.planBatch(db.pool, { ...key, batch: 1 })).toEqual([
      day('2024-01-01'),
      day('2024-01-02'),
    ]);
    expect(await store.planBatch(db.pool, { ...key, batch: 2 })).toEqual([day('2024-01-03')]);
    expect(await store.planBatch(db.pool, { ...key, batch: 3 })).toBeUndefined();
    expect(await store.planBatch(db.pool, { ...key, administration: 3, batch: 1 })).toEqual([
      day('2024-02-01'),
    ]);
    expect(await store.planBatch(db.pool, { ...key, administration: 2, batch: 1 })).toBeUndefined();
  });

  it('replaces what an earlier attempt of the same plan stored', async () => {
    await store.savePlan(db.pool, { runId: 'run-a', dataset: 'journal_lines' }, [
      { administration: 1, batches: [[day('2024-03-01')]] },
    ]);
    const key = { runId: 'run-a', dataset: 'journal_lines', administration: 1 };
    expect(await store.planBatch(db.pool, { ...key, batch: 1 })).toEqual([day('2024-03-01')]);
    expect(await store.planBatch(db.pool, { ...key, batch: 2 })).toBeUndefined();
    expect(await store.planBatch(db.pool, { ...key, administration: 3, batch: 1 })).toBeUndefined();
  });

  it('drops an administration’s plan once served, and the plans of ended runs only', async () => {
    await store.savePlan(db.pool, { runId: 'run-b', dataset: 'journal_lines' }, [
      { administration: 1, batches: [[day('2024-04-01')]] },
      { administration: 2, batches: [[day('2024-04-02')]] },
    ]);
    await store.savePlan(db.pool, { runId: 'run-c', dataset: 'journal_lines' }, [
      { administration: 1, batches: [[day('2024-05-01')]] },
    ]);
    await store.clearPlan(db.pool, { runId: 'run-b', dataset: 'journal_lines', administration: 1 });
    const b = { runId: 'run-b', dataset: 'journal_lines', batch: 1 };
    expect(await store.planBatch(db.pool, { ...b, administration: 1 })).toBeUndefined();
    expect(await store.planBatch(db.pool, { ...b, administration: 2 })).toEqual([day('2024-04-02')]);

    await runs.finish('run-b', { status: 'failed', error: 'x' });
    await store.clearEndedPlans(db.pool, 'acme');
    expect(await store.planBatch(db.pool, { ...b, administration: 2 })).toBeUndefined();
    // run-c is still running: its plan stays.
    expect(
      await store.planBatch(db.pool, {
        runId: 'run-c',
        dataset: 'journal_lines',
        administration: 1,
        batch: 1,
      }),
    ).toEqual([day('2024-05-01')]);
  });

  it('refuses a stored batch that is not a list of days, naming the row', async () => {
    await db.pool.query(
      `INSERT INTO ${db.schema}.changed_day_plans (run_id, dataset, administration, batch, days)
       VALUES ('run-c', 'journal_lines', 9, 1, '[{"day": "2024-01-01"}]')`,
    );
    await expect(
      store.planBatch(db.pool, { runId: 'run-c', dataset: 'journal_lines', administration: 9, batch: 1 }),
    ).rejects.toThrow('changed_day_plans row run-c/journal_lines/9/1 is not a list of {day, modified}');
  });
});
