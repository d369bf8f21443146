// Determinism guard: every recorded historical-import history (test/fixtures/histories/
// historical-import*.json, recorded with RECORD_HISTORIES=1) replays against today's workflow code.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTestRuntime } from '../helpers/temporal.js';

const DIR = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const FIXTURES = readdirSync(DIR)
  .filter((file) => /^historical-import.*\.json$/.test(file))
  .sort();

interface HistoryJson {
  events: {
    eventType: string;
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
  }[];
}

function load(file: string): HistoryJson {
  return JSON.parse(readFileSync(`${DIR}${file}`, 'utf8')) as HistoryJson;
}

describe('historical import replay', () => {
  beforeAll(() => {
    ensureTestRuntime();
  });

  it('has recorded fixtures, one ending in continue-as-new', () => {
    expect(FIXTURES.length).toBeGreaterThan(0);
    const endings = FIXTURES.map((file) => load(file).events.at(-1)?.eventType);
    expect(endings).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    expect(endings).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  });

  it.each(FIXTURES)('%s replays without non-determinism', async (file) => {
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, replayName: file },
      load(file),
    );
  });

  it('a history whose commands differ from the code fails the replay', async () => {
    const file = FIXTURES.find((name) =>
      load(name).events.some(
        (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'beginImport',
      ),
    );
    if (!file) throw new Error('no fixture of a first run (with beginImport)');
    const history = load(file);
    const scheduled = history.events.find(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'beginImport',
    );
    const type = scheduled?.activityTaskScheduledEventAttributes?.activityType;
    if (!type) throw new Error('beginImport not found');
    type.name = 'somethingElse';
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: { codePath: inject('workflowBundlePath') }, replayName: `${file} (altered)` },
        history,
      ),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
