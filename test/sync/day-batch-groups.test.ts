// A changed-days plan too big for one execution runs as child workflows (issue 17.4), here forced
// with one day batch per execution on a small environment: tables exact, one child per group
// named for the Web UI, the source's limit held, a failed administration reported by its child,
// and a refused token inside a child ending the run as it would without children.
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../../src/catalog/index.js';
import { startSync } from '../../src/client/sync-control.js';
import { AfasSource, AfasWorkflowKind } from '../../src/temporal/search-attributes.js';
import { syncProgressQuery } from '../../src/workflows/definitions.js';
import { dayBatchesWorkflowId } from '../../src/workflows/sync/planned-days.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import { executionTree } from '../helpers/history-limits.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN_DATA = '6A0B1C2D6A0B1C2D6A0B1C2D6A0B1C2D6A0B1C2D6A0B1C2D6A0B1C2D6A0B1C2D';
/** Unique among the test files: workflow ids are per source, and one Temporal server serves them all. */
const SOURCE = 'daygroups';
const ADMINISTRATIONS = [1, 2, 3];
const MAX_CONCURRENCY = 2;
const SYNC_OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };

describe('day batches in child workflows', () => {
  let fixture: SyncFixture;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 23,
        administrations: 3,
        years: [2025],
        linesPerYear: 200,
        tokens: [{ token: TOKEN_DATA }],
      },
      sources: [{ name: SOURCE, token: TOKEN_DATA, maxConcurrency: MAX_CONCURRENCY }],
      // Every administration with something to replace gets an execution of its own.
      workerSettings: { batchesPerExecution: 1 },
    });
  });

  afterAll(() => fixture?.close());

  async function expectTablesExact() {
    for (const definition of DATASETS) {
      await expectTableEqualsSimulator(fixture.db.pool, fixture.control, fixture.afas, {
        source: SOURCE,
        name: definition.name,
        administrations: ADMINISTRATIONS,
      });
    }
  }

  async function planRows(): Promise<number> {
    const result = await fixture.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${fixture.db.schema}.changed_day_plans`,
    );
    return result.rows[0]?.n ?? -1;
  }

  it('a first sync replaces each group in its own child, named for the Web UI, under the source’s limit', async () => {
    await fixture.control.call('DELETE', 'concurrency');
    const handle = await startSync(fixture.target, SOURCE, SYNC_OPTIONS);
    const result = await handle.result();
    expect(result.status, result.error).toBe('succeeded');
    await expectTablesExact();
    expect(await planRows()).toBe(0);

    const progress = await handle.query(syncProgressQuery);
    expect(progress.daysReplaced).toBe(progress.changedDays);
    expect(progress.changedDays).toBeGreaterThan(0);
    const lines = progress.datasets.filter((entry) => entry.dataset === 'journal_lines');
    expect(lines.map((entry) => [entry.administration, entry.status])).toEqual(
      ADMINISTRATIONS.map((administration) => [administration, 'succeeded']),
    );
    expect(lines.reduce((sum, entry) => sum + entry.inserted, 0)).toBe(
      (await fixture.control.export('Profit_Transactions')).length,
    );

    const executions = await executionTree(fixture.temporal.client, {
      workflowId: handle.workflowId,
      runId: handle.firstExecutionRunId,
    });
    const children = executions.filter((execution) => execution.workflowType === 'syncDayBatches');
    expect(children.map((child) => child.workflowId)).toEqual(
      ADMINISTRATIONS.map((administration) =>
        dayBatchesWorkflowId(handle.workflowId, { runId: result.runId, dataset: 'journal_lines' }, [
          administration,
        ]),
      ),
    );
    for (const [index, child] of children.entries()) {
      const description = await fixture.temporal.client.workflow
        .getHandle(child.workflowId, child.runId)
        .describe();
      expect(await description.staticSummary()).toMatch(
        new RegExp(`^journal_lines · admin ${index + 1} · \\d+ days in \\d+ batch(es)?$`),
      );
      expect(description.typedSearchAttributes.get(AfasWorkflowKind)).toBe('sync-days');
      expect(description.typedSearchAttributes.get(AfasSource)).toBe(SOURCE);
    }
    // The parent scheduled no replace itself; children did, and moved the watermarks.
    const parentActivities = executions[0]?.events.map(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name,
    );
    expect(parentActivities).toContain('planDayBatches');
    expect(parentActivities).not.toContain('replaceDayBatch');
    const concurrency = await fixture.control.call<{ max: number }>('GET', 'concurrency');
    expect(concurrency.max).toBeLessThanOrEqual(MAX_CONCURRENCY);

    if (process.env.RECORD_HISTORIES) {
      const parent = await fixture.temporal.client.workflow
        .getHandle(handle.workflowId, handle.firstExecutionRunId)
        .fetchHistory();
      await writeFile(
        new URL('../fixtures/histories/sync-source-day-groups.json', import.meta.url),
        `${historyToJSON(parent)}\n`,
      );
      const first = children[0];
      if (!first) throw new Error('no child to record');
      const child = await fixture.temporal.client.workflow
        .getHandle(first.workflowId, first.runId)
        .fetchHistory();
      await writeFile(
        new URL('../fixtures/histories/sync-day-batches.json', import.meta.url),
        `${historyToJSON(child)}\n`,
      );
    }
  });

  it('a failed administration in a child: the run is partial, the others move on, the next run catches up', async () => {
    // Two administrations' days change; the first replace request after that fails for good.
    await fixture.control.call('POST', 'journal-lines', {
      lines: [1, 2].flatMap((unit) => [
        {
          UnitId: unit,
          JournalId: 'MEM',
          EntryDate: '2025-06-17T00:00:00Z',
          AccountNo: '4000',
          AmtDebit: 10,
          AmtCredit: 0,
          Description: 'Nieuw',
        },
        {
          UnitId: unit,
          JournalId: 'MEM',
          EntryDate: '2025-06-17T00:00:00Z',
          AccountNo: '1300',
          AmtDebit: 0,
          AmtCredit: 10,
          Description: 'Nieuw',
        },
      ]),
    });
    await fixture.control.fault({ kind: 'unexpected', connector: 'Profit_Transactions', count: 1 });
    const failed = await (await startSync(fixture.target, SOURCE, SYNC_OPTIONS)).result();
    expect(failed.status).toBe('partial');
    expect(failed.failures).toEqual([
      expect.objectContaining({ dataset: 'journal_lines', administration: 1 }),
    ]);
    expect(failed.failures[0]?.message).toMatch(/onverwachte fout|unexpected error/i);
    const datasets = await fixture.app.runs.datasetsOf(failed.runId);
    expect(datasets.find((d) => d.dataset === 'journal_lines' && d.administration === 1)).toMatchObject({
      status: 'failed',
    });
    expect(datasets.find((d) => d.dataset === 'journal_lines' && d.administration === 2)).toMatchObject({
      status: 'succeeded',
    });
    // Administration 1 kept its plan (its watermark did not move): the next sync clears it.
    expect(await planRows()).toBeGreaterThan(0);

    const caughtUp = await (await startSync(fixture.target, SOURCE, SYNC_OPTIONS)).result();
    expect(caughtUp.status, caughtUp.error).toBe('succeeded');
    await expectTablesExact();
    expect(await planRows()).toBe(0);
  });

  it('a token refused inside a child ends the run with AFAS’s message, not the child’s', async () => {
    await fixture.control.call('POST', 'journal-lines', {
      lines: [1, 2, 3].flatMap((unit) => [
        {
          UnitId: unit,
          JournalId: 'MEM',
          EntryDate: '2025-07-01T00:00:00Z',
          AccountNo: '4000',
          AmtDebit: 5,
          AmtCredit: 0,
          Description: 'Later',
        },
        {
          UnitId: unit,
          JournalId: 'MEM',
          EntryDate: '2025-07-01T00:00:00Z',
          AccountNo: '1300',
          AmtDebit: 0,
          AmtCredit: 5,
          Description: 'Later',
        },
      ]),
    });
    // Replaces answer slowly, so the token can be revoked while the first child runs.
    await fixture.control.fault({ kind: 'slow', connector: 'Profit_Transactions', delayMs: 1500 });
    const handle = await startSync(fixture.target, SOURCE, SYNC_OPTIONS);
    let childId: string | undefined;
    for (let attempt = 0; attempt < 100 && !childId; attempt += 1) {
      const progress = await handle.query(syncProgressQuery);
      if (progress.phase === 'journal_lines') {
        const id = dayBatchesWorkflowId(
          handle.workflowId,
          { runId: progress.runId, dataset: 'journal_lines' },
          [1],
        );
        const found = await fixture.temporal.client.workflow
          .getHandle(id)
          .describe()
          .then(() => true)
          .catch(() => false);
        if (found) childId = id;
      }
      if (!childId) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(childId).toBeDefined();
    await fixture.control.call('POST', 'tokens/revoke', { token: TOKEN_DATA });
    const result = await handle.result();
    await fixture.control.clearFaults();
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/401|token/i);
    expect(result.error).not.toMatch(/child workflow/i);
    expect((await fixture.app.sources.get(SOURCE)).status).toBe('needs_attention');
  });
});
