// What an operator reads in the Temporal Web UI for a real sync: the start's static summary, a
// one-line summary on every scheduled activity, and the workflow's current details.
import { writeFile } from 'node:fs/promises';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startImport } from '../../src/client/import-control.js';
import { startSync } from '../../src/client/sync-control.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN_DATA = 'AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34';
const MAX_CONCURRENCY = 2;
/** Unique among the test files: workflow ids are per source, and one Temporal server serves them all. */
const SOURCE = 'webui';

describe('the Web UI reads like the saga', () => {
  let fixture: SyncFixture;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 11,
        administrations: 2,
        years: [2025],
        linesPerYear: 200,
        tokens: [{ token: TOKEN_DATA }],
      },
      sources: [{ name: SOURCE, token: TOKEN_DATA, maxConcurrency: MAX_CONCURRENCY }],
    });
  });

  afterAll(() => fixture?.close());

  /** The summaries of the ActivityTaskScheduled events, decoded from their user metadata. */
  function activitySummaries(events: temporal.api.history.v1.IHistoryEvent[]) {
    return events
      .filter((event) => event.activityTaskScheduledEventAttributes)
      .map((event) => {
        const payload = event.userMetadata?.summary;
        return {
          activity: event.activityTaskScheduledEventAttributes?.activityType?.name,
          summary: payload ? defaultPayloadConverter.fromPayload<string>(payload) : undefined,
        };
      });
  }

  it('shows the start summary, a summary per activity, current details, and keeps the limit', async () => {
    const handle = await startSync(fixture.target, SOURCE, { heartbeatTimeoutSeconds: 10 });
    const result = await handle.result();
    expect(result.status).toBe('succeeded');

    const description = await handle.describe();
    expect(await description.staticSummary()).toBe('sync webui (manual)');

    const metadata = await handle.query(workflowMetadataQuery);
    const rows = result.totals.inserted + result.totals.updated;
    expect(rows).toBeGreaterThan(0);
    expect(metadata.currentDetails).toBe(`done · ${rows.toLocaleString('en-US')} rows`);

    const history = await handle.fetchHistory();
    if (process.env.RECORD_HISTORIES) {
      // A sync through the patched paths (plan from an activity, strict limiter, changed days
      // planned in PostgreSQL). sync-source-planned.json is the same sync from before that last
      // patch (every planned day in the plan's result) and stays as recorded.
      await writeFile(
        new URL('../fixtures/histories/sync-source-day-plans.json', import.meta.url),
        `${historyToJSON(history)}\n`,
      );
    }
    const events = history.events ?? [];
    const summaries = activitySummaries(events);
    expect(summaries.filter((entry) => entry.summary === undefined)).toEqual([]);
    expect(summaries).toEqual(
      expect.arrayContaining([
        { activity: 'importRunning', summary: 'historical import running?' },
        { activity: 'beginRun', summary: 'begin run (manual)' },
        { activity: 'checkSource', summary: 'check token and connectors' },
        { activity: 'planSync', summary: 'plan sync' },
        { activity: 'syncDataset', summary: 'debtors · all administrations' },
        { activity: 'syncDataset', summary: 'journals · admin 2' },
        { activity: 'planDayBatches', summary: 'journal_lines · changed days · admins 1, 2' },
        { activity: 'finishRun', summary: 'finish run · succeeded' },
      ]),
    );
    const replaced = summaries.filter((entry) => entry.activity === 'replaceDayBatch');
    expect(replaced.length).toBeGreaterThan(0);
    for (const entry of replaced)
      expect(entry.summary).toMatch(/^journal_lines · admin [12] · day batch (\d+)\/\d+$/);

    // The limiter holds the source's limit, first wave included (the strict-concurrency patch);
    // day batches run one more (the day-batch-overlap patch: a batch's replace calls no AFAS).
    const mostInFlight = (activity: string) => {
      const open = new Set<string>();
      let most = 0;
      for (const event of events) {
        if (event.activityTaskScheduledEventAttributes?.activityType?.name === activity)
          open.add(String(event.eventId));
        const closed = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes;
        if (closed) open.delete(String(closed.scheduledEventId));
        most = Math.max(most, open.size);
      }
      return most;
    };
    expect(mostInFlight('syncDataset')).toBe(MAX_CONCURRENCY);
    expect(mostInFlight('replaceDayBatch')).toBeLessThanOrEqual(MAX_CONCURRENCY + 1);
  });

  it('an import shows its years, its partition chunks and its progress', async () => {
    const handle = await startImport(fixture.target, SOURCE, { fromYear: 2025, toYear: 2025 });
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    expect(await (await handle.describe()).staticSummary()).toBe(`import ${SOURCE} 2025`);
    const partitions = `${result.partitions.done}/${result.partitions.total} partitions`;
    expect((await handle.query(workflowMetadataQuery)).currentDetails).toMatch(
      new RegExp(`^done · ${partitions} · ${result.rows.toLocaleString('en-US')} rows`),
    );
    const summaries = activitySummaries((await handle.fetchHistory()).events ?? []);
    expect(summaries.filter((entry) => entry.summary === undefined)).toEqual([]);
    expect(summaries).toEqual(
      expect.arrayContaining([
        { activity: 'beginImport', summary: 'begin import 2025' },
        { activity: 'planImport', summary: 'plan import · admins 1, 2' },
        { activity: 'importPartitionsToRun', summary: 'partitions to run' },
        { activity: 'finishImport', summary: 'finish import · completed' },
      ]),
    );
    const chunks = summaries.filter((entry) => entry.activity === 'importPartition');
    expect(chunks.length).toBeGreaterThan(0);
    for (const entry of chunks)
      expect(entry.summary).toMatch(/^journal_lines · partition [12]\/2025\/(\d\d|other) · chunk \d+$/);
  });
});
