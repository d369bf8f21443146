// Issue 17.4: a first sync of a big environment (50 administrations × 5 years of booking days)
// keeps every workflow execution below 10,000 history events and every payload below 256 KB.
// A few journal lines per booking day keep it within a minute; the number of booking days, not
// of rows, is what drives the plan's size and the number of day batches.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DATASETS } from '../../src/catalog/index.js';
import { startSync } from '../../src/client/sync-control.js';
import { expectTableEqualsSimulator } from '../helpers/compare.js';
import { executionTree, largestPayload, payloadSizes } from '../helpers/history-limits.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { WorkerProcess } from '../helpers/worker-process.js';

const TOKEN_DATA = '5EED17A45EED17A45EED17A45EED17A45EED17A45EED17A45EED17A45EED17A4';
/** Unique among the test files: workflow ids are per source, and one Temporal server serves them all. */
const SOURCE = 'bigenv';
const ADMINISTRATIONS = 50;
const THIS_YEAR = new Date().getUTCFullYear();
/** Five whole years before this one: every booking day of them can carry entries. */
const YEARS = [5, 4, 3, 2, 1].map((back) => THIS_YEAR - back);
/**
 * ~1.4 lines per booking day per administration (entries of 2–6 lines spread evenly over the
 * year); together the administrations book on nearly every day, so each plans ~1,800 days.
 */
const LINES_PER_YEAR = 500;
const MAX_EVENTS = 10_000;
const MAX_PAYLOAD_BYTES = 256 * 1024;
const MAX_CONCURRENCY = 4;
const SYNC_OPTIONS = {
  heartbeatTimeoutSeconds: 10,
  retryInitialSeconds: 1,
  retryMaximumSeconds: 2,
  // A payload over Temporal's limit fails its activity on every attempt: give up within the test.
  retryGiveUpSeconds: 45,
};

describe('a big environment stays inside Temporal limits', () => {
  let fixture: SyncFixture;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 17,
        administrations: ADMINISTRATIONS,
        years: YEARS,
        linesPerYear: LINES_PER_YEAR,
        tokens: [{ token: TOKEN_DATA }],
      },
      sources: [{ name: SOURCE, token: TOKEN_DATA, maxConcurrency: MAX_CONCURRENCY }],
      worker: false,
    });
    // The production worker in its own process: the simulator keeps this process (and a core).
    worker = new WorkerProcess({
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: fixture.temporal.taskQueue,
      DATABASE_URL: fixture.db.url,
      AFAS_SYNC_SECRET_KEY: '11'.repeat(32),
      AFAS_SYNC_SHUTDOWN_GRACE_SECONDS: '1',
    });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await fixture?.close();
  });

  it('first sync of 50 administrations × 5 years: every execution < 10,000 events, every payload < 256 KB, tables exact', async () => {
    const { temporal: stack, control, db, afas } = fixture;
    await control.call('DELETE', 'concurrency');
    const started = Date.now();
    const handle = await startSync(fixture.target, SOURCE, SYNC_OPTIONS);
    const result = await handle.result();
    const seconds = (Date.now() - started) / 1000;

    const executions = await executionTree(stack.client, {
      workflowId: handle.workflowId,
      runId: handle.firstExecutionRunId,
    });
    const measured = executions.map((execution) => {
      const largest = largestPayload(execution.events);
      return {
        workflowId: execution.workflowId,
        type: execution.workflowType,
        events: execution.events.length,
        largestPayloadBytes: largest.bytes,
        largestPayloadAt: largest.where,
      };
    });
    // The numbers for the record (issue 17.4's before/after), also when an assertion below fails.
    console.log(
      `big environment first sync: ${result.status} in ${seconds.toFixed(1)} s, ` +
        `${result.totals.inserted} rows inserted, ${executions.length} execution(s)\n` +
        measured
          .map(
            (entry) =>
              `  ${entry.type} ${entry.workflowId}: ${entry.events} events, largest payload ${entry.largestPayloadBytes} B at ${entry.largestPayloadAt}`,
          )
          .join('\n'),
    );

    expect(result.status, result.error ?? JSON.stringify(result.failures)).toBe('succeeded');
    for (const execution of executions) {
      expect(execution.events.length, `${execution.workflowId} history events`).toBeLessThan(MAX_EVENTS);
      const tooBig = payloadSizes(execution.events).filter((size) => size.bytes >= MAX_PAYLOAD_BYTES);
      expect(tooBig, `${execution.workflowId} payloads of 256 KB or more`).toEqual([]);
    }
    // The day batches did not all run in the sync's own history: it handed groups to children.
    const children = executions.filter((execution) => execution.workflowType === 'syncDayBatches');
    expect(children.length).toBeGreaterThan(1);
    // Each child replaced its group's batches, and together they covered every administration.
    const replaced = children.flatMap((child) =>
      child.events
        .map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name)
        .filter((name) => name === 'replaceDayBatch'),
    );
    // ~1,800 dense booking days per administration: the twelve batches of a long list, each
    // one date range (src/activities/sync/changed-days.ts, dayBatches).
    expect(replaced.length).toBe(ADMINISTRATIONS * 12);
    // One group at a time: the source's limit of concurrent AFAS calls held across the children.
    const concurrency = await control.call<{ max: number }>('GET', 'concurrency');
    expect(concurrency.max).toBeLessThanOrEqual(MAX_CONCURRENCY);
    // One batch more than the limit is in flight (its replace calls no AFAS, the next one pages):
    // the environment's call budget, not the workflow, held AFAS to the limit above.
    const inFlight = children.map((child) => {
      const batches = new Set<string>();
      let most = 0;
      for (const event of child.events) {
        if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'replaceDayBatch')
          batches.add(String(event.eventId));
        const closed =
          event.activityTaskCompletedEventAttributes?.scheduledEventId ??
          event.activityTaskFailedEventAttributes?.scheduledEventId;
        if (closed !== undefined && closed !== null) batches.delete(String(closed));
        most = Math.max(most, batches.size);
      }
      return most;
    });
    expect(Math.max(...inFlight)).toBe(MAX_CONCURRENCY + 1);

    // Every execution the visibility store knows on this task queue is one measured above.
    let listed: string[] = [];
    for (let attempt = 0; attempt < 50; attempt += 1) {
      listed = [];
      for await (const info of stack.client.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` }))
        listed.push(`${info.workflowId}/${info.runId}`);
      if (listed.length >= executions.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(listed.sort()).toEqual(executions.map((e) => `${e.workflowId}/${e.runId}`).sort());

    const administrations = Array.from({ length: ADMINISTRATIONS }, (_, index) => index + 1);
    for (const definition of DATASETS) {
      await expectTableEqualsSimulator(db.pool, control, afas, {
        source: SOURCE,
        name: definition.name,
        administrations,
      });
    }
    // The plan served and is gone.
    const plans = await db.pool.query(`SELECT count(*)::int AS n FROM ${db.schema}.changed_day_plans`);
    expect(plans.rows[0]).toEqual({ n: 0 });
    // ~45 s for the sync and ~10 s for the comparison on an idle 2-core machine; room for a busy one.
  }, 150_000);
});
