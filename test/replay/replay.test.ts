import { readdir, readFile } from 'node:fs/promises';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { ensureTestRuntime } from '../helpers/temporal.js';

const DIR = new URL('../fixtures/histories/', import.meta.url);

// Histories recorded by the suite (RECORD_HISTORIES=1) replay against today's workflow code:
// a change that alters the commands of an existing workflow fails here, not in production.
describe('workflow determinism: recorded histories replay', async () => {
  const files = (await readdir(DIR)).filter((file) => file.endsWith('.json')).sort();

  it('has recorded histories to replay', () => {
    expect(files).toContain('sync-source.json');
  });

  it('covers both sides of the sync patches: a history from before them and one through them', async () => {
    const activitiesOf = async (file: string) => {
      const history = JSON.parse(await readFile(new URL(file, DIR), 'utf8')) as {
        events: { activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }[];
      };
      return history.events.map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name);
    };
    expect(await activitiesOf('sync-source.json')).not.toContain('planSync');
    const planned = await activitiesOf('sync-source-planned.json');
    expect(planned).toContain('planSync');
    expect(planned).toContain('replaceDays');
    // Through skip-needs-attention: the settings are read before a run starts, and none does.
    const skipped = (await activitiesOf('sync-source-needs-attention.json')).filter(Boolean);
    expect(skipped).toEqual(['importRunning', 'sourceSettings']);
  });

  it('covers the day-plans-in-postgres patch: the plan as counts, batches by number, groups as children', async () => {
    const historyOf = async (file: string) =>
      JSON.parse(await readFile(new URL(file, DIR), 'utf8')) as {
        events: {
          eventType?: string;
          activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
          workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } };
        }[];
      };
    const activities = (history: Awaited<ReturnType<typeof historyOf>>) =>
      history.events.map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name);
    // One group: the sync replaces its batches itself.
    const inline = activities(await historyOf('sync-source-day-plans.json'));
    expect(inline).toContain('planDayBatches');
    expect(inline).toContain('replaceDayBatch');
    expect(inline).not.toContain('planChangedDays');
    // Several groups: the sync starts a child per group and replaces nothing itself.
    const parent = await historyOf('sync-source-day-groups.json');
    expect(parent.events.map((event) => event.eventType)).toContain(
      'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED',
    );
    expect(activities(parent)).not.toContain('replaceDayBatch');
    const child = await historyOf('sync-day-batches.json');
    expect(child.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe(
      'syncDayBatches',
    );
    expect(activities(child)).toContain('replaceDayBatch');
  });

  it('covers the queued-sync patch: a run that took a --full request and continued as it', async () => {
    const history = JSON.parse(await readFile(new URL('sync-source-queued.json', DIR), 'utf8')) as {
      events: { eventType?: string }[];
    };
    const types = history.events.map((event) => event.eventType);
    expect(types).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
    expect(types.at(-1)).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
  });

  for (const file of files) {
    it(`replays ${file}`, async () => {
      ensureTestRuntime();
      const history: unknown = JSON.parse(await readFile(new URL(file, DIR), 'utf8'));
      await expect(
        Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history),
      ).resolves.toBeUndefined();
    });
  }
});
