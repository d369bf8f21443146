import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleOffsetSeconds } from '../../src/client/schedule-spec.js';
import {
  describeSchedule,
  ensureSchedule,
  setSchedulePaused,
  startSync,
  deleteSchedule,
} from '../../src/client/sync-control.js';
import { scheduleIdFor, syncWorkflowId } from '../../src/workflows/definitions.js';
import type { ScheduledSyncResult } from '../../src/workflows/scheduled-sync.js';
import { SimControl } from '../helpers/simulator.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN_DATA = '5C4ED0123456789ABCDEF5C4ED0123456789ABCDEF5C4ED0123456789ABCDEF';

describe('per-source Temporal Schedule', () => {
  let fixture: SyncFixture;
  let app: SyncFixture['app'];
  let temporal: SyncFixture['temporal'];
  let sim: SyncFixture['sim'];

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 5,
        administrations: 1,
        years: [2025],
        linesPerYear: 200,
        tokens: [{ token: TOKEN_DATA }],
      },
      sources: [{ name: 'sched', token: TOKEN_DATA, syncIntervalSeconds: 3600 }],
    });
    ({ app, temporal, sim } = fixture);
  });

  afterAll(async () => {
    await deleteSchedule(fixture.target, 'sched').catch(() => undefined);
    await fixture?.close();
  });

  async function triggered(): Promise<ScheduledSyncResult> {
    const handle = temporal.client.schedule.getHandle(scheduleIdFor('sched'));
    const before = (await handle.describe()).info.recentActions.length;
    await handle.trigger();
    for (;;) {
      const actions = (await handle.describe()).info.recentActions;
      if (actions.length > before) {
        const started = actions[actions.length - 1]?.action;
        if (started)
          return (await temporal.client.workflow
            .getHandle(started.workflow.workflowId, started.workflow.firstExecutionRunId)
            .result()) as ScheduledSyncResult;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('follows the source settings, and a tick skips while a sync of the source is running', async () => {
    const target = { client: temporal.client, taskQueue: temporal.taskQueue };
    const record = await app.sources.get('sched');
    await ensureSchedule(target, record, { syncOptions: { heartbeatTimeoutSeconds: 10 } });
    const hourly = await describeSchedule(target, 'sched');
    expect(hourly).toMatchObject({
      exists: true,
      paused: false,
      everySeconds: 3600,
      offsetSeconds: scheduleOffsetSeconds('sched', 3600),
      jitterSeconds: 300,
    });
    // The next tick falls at the source's offset into the hour, plus at most the jitter.
    const intoHour =
      ((hourly.nextRunAt?.getTime() ?? NaN) / 1000 - scheduleOffsetSeconds('sched', 3600)) % 3600;
    expect(intoHour >= 0 && intoHour <= 300, `next run ${String(hourly.nextRunAt)}`).toBe(true);
    await ensureSchedule(target, { ...record, syncIntervalSeconds: 900 });
    expect(await describeSchedule(target, 'sched')).toMatchObject({
      everySeconds: 900,
      offsetSeconds: scheduleOffsetSeconds('sched', 900),
      jitterSeconds: 90,
    });

    // A long manual sync holds the fixed workflow id; the scheduled tick must not start a second one.
    const control = new SimControl(sim.url);
    await control.fault({ kind: 'slow', connector: 'Profit_Transactions', delayMs: 1500 });
    const manual = await startSync(target, 'sched');
    const skipped = await triggered();
    expect(skipped).toEqual({ skipped: true, reason: 'a sync of this source is already running' });
    await control.clearFaults();
    await manual.result();

    const ran = await triggered();
    expect(ran.skipped).toBe(false);
    expect(ran.skipped === false && ran.status).toBe('succeeded');
    // The Web UI names both the schedule's wrapper and the sync it started as a scheduled sync.
    const schedule = await temporal.client.schedule.getHandle(scheduleIdFor('sched')).describe();
    expect(schedule.action.staticSummary).toBe('sync sched (schedule)');
    const wrapper = schedule.info.recentActions.at(-1)?.action.workflow;
    if (!wrapper) throw new Error('the schedule started nothing');
    const started = await temporal.client.workflow
      .getHandle(wrapper.workflowId, wrapper.firstExecutionRunId)
      .describe();
    expect(await started.staticSummary()).toBe('sync sched (schedule)');
    const child = await temporal.client.workflow.getHandle(syncWorkflowId('sched')).describe();
    expect(child.runId).not.toBe(manual.firstExecutionRunId);
    expect(await child.staticSummary()).toBe('sync sched (schedule)');

    await setSchedulePaused(target, 'sched', true);
    expect(await describeSchedule(target, 'sched')).toMatchObject({ paused: true });
    await setSchedulePaused(target, 'sched', false);
    expect(await describeSchedule(target, 'sched')).toMatchObject({ paused: false });
  });

  it('an update gives a schedule created before summaries and jitter both', async () => {
    const target = { client: temporal.client, taskQueue: temporal.taskQueue };
    await deleteSchedule(target, 'sched');
    // What ensureSchedule created before actions carried a static summary.
    await temporal.client.schedule.create({
      scheduleId: scheduleIdFor('sched'),
      spec: { intervals: [{ every: '3600 seconds' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'scheduledSync',
        taskQueue: temporal.taskQueue,
        workflowId: 'afas-scheduled/sched',
        args: [{ source: 'sched', trigger: 'schedule' }],
      },
      state: { paused: true },
    });
    const handle = temporal.client.schedule.getHandle(scheduleIdFor('sched'));
    expect((await handle.describe()).action.staticSummary).toBeUndefined();
    expect(await describeSchedule(target, 'sched')).toMatchObject({ offsetSeconds: 0, jitterSeconds: 0 });
    await ensureSchedule(target, await app.sources.get('sched'));
    expect((await handle.describe()).action.staticSummary).toBe('sync sched (schedule)');
    expect(await describeSchedule(target, 'sched')).toMatchObject({
      paused: true,
      everySeconds: 3600,
      offsetSeconds: scheduleOffsetSeconds('sched', 3600),
      jitterSeconds: 300,
    });
  });
});
