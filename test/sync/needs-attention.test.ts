// A source that needs attention is not called again with what AFAS rejected: scheduled and manual
// syncs end `skipped` with the stored reason before any AFAS request, until a passing
// `source test` or a `source update` of its token or connection clears it. The CLI commands run
// in-process through the real `afas-sync` entry point against the test's PostgreSQL and Temporal.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { deleteSchedule, ensureSchedule, startSync } from '../../src/client/sync-control.js';
import { syncWorkflowId } from '../../src/workflows/definitions.js';
import type { scheduledSync, ScheduledSyncResult } from '../../src/workflows/scheduled-sync.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN = 'A77E0123456789ABCDEFA77E0123456789ABCDEFA77E0123456789ABCDEF0123';
const NEW_TOKEN = 'BEEF0123456789ABCDEFBEEF0123456789ABCDEFBEEF0123456789ABCDEF0123';
const SOURCE = 'flagged';
const REASON = 'AFAS answered HTTP 401: token rejected';
const SKIPPED = `source needs attention: ${REASON}; run \`afas-sync source test ${SOURCE}\` or \`afas-sync source update ${SOURCE}\``;
const OPTIONS = { heartbeatTimeoutSeconds: 10, retryInitialSeconds: 1, retryMaximumSeconds: 2 };

describe('a source that needs attention stops the AFAS calls until the operator fixes it', () => {
  let fixture: SyncFixture;
  let env: Record<string, string>;
  let scratch: string;
  let ticks = 0;

  beforeAll(async () => {
    fixture = await startSyncFixture({
      simulator: {
        seed: 15,
        administrations: 1,
        years: [2025],
        linesPerYear: 60,
        tokens: [{ token: TOKEN }, { token: NEW_TOKEN }],
      },
      sources: [{ name: SOURCE, token: TOKEN }],
    });
    env = {
      DATABASE_URL: fixture.db.url,
      AFAS_SYNC_DB_SCHEMA: fixture.db.schema,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: fixture.temporal.taskQueue,
      AFAS_SYNC_SECRET_KEY: '11'.repeat(32),
      LOG_LEVEL: 'error',
    };
    scratch = await mkdtemp(join(tmpdir(), 'afas-sync-attention-'));
    // `source update` keeps the schedule in step; paused, so only this test's ticks run.
    await ensureSchedule(fixture.target, await fixture.app.sources.get(SOURCE), { paused: true });
  });

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
    if (!fixture) return;
    await deleteSchedule(fixture.target, SOURCE).catch(() => undefined);
    await fixture.close();
  });

  /** What the source's schedule starts on a tick, started directly. */
  const scheduledTick = (): Promise<ScheduledSyncResult> =>
    fixture.temporal.client.workflow.execute<typeof scheduledSync>('scheduledSync', {
      taskQueue: fixture.temporal.taskQueue,
      workflowId: `afas-scheduled/${SOURCE}-${++ticks}`,
      args: [{ source: SOURCE, trigger: 'schedule', options: OPTIONS }],
    });

  /** Runs `afas-sync <args>` in this process; returns its exit code and what it wrote. */
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const written = { stdout: '', stderr: '' };
    const capture = (stream: 'stdout' | 'stderr') =>
      vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array, ...rest) => {
        written[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        // The CLI flushes by waiting for a write's callback.
        const done = rest.find((arg) => typeof arg === 'function');
        if (done) process.nextTick(done);
        return true;
      });
    const spies = [capture('stdout'), capture('stderr')];
    try {
      return { code: await runCli(args, env), ...written };
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  }

  const sourceStatus = async () => {
    const record = await fixture.app.sources.get(SOURCE);
    return { status: record.status, reason: record.statusReason };
  };

  it('scheduled and manual syncs end skipped with the reason, without one AFAS request', async () => {
    await fixture.app.sources.markNeedsAttention(SOURCE, REASON);
    await fixture.control.clearRequests();

    expect(await scheduledTick()).toEqual({ skipped: true, reason: SKIPPED });
    const manual = await (await startSync(fixture.target, SOURCE, OPTIONS)).result();
    expect(manual).toMatchObject({ status: 'skipped', reason: SKIPPED });
    if (process.env.RECORD_HISTORIES) {
      // The skipped paths, for the replay tests: the tick's wrapper (its child included) and a sync.
      const client = fixture.temporal.client.workflow;
      for (const [workflowId, file] of [
        [`afas-scheduled/${SOURCE}-1`, 'scheduled-sync-needs-attention.json'],
        [syncWorkflowId(SOURCE), 'sync-source-needs-attention.json'],
      ] as const) {
        const history = await client.getHandle(workflowId).fetchHistory();
        await writeFile(
          new URL(`../fixtures/histories/${file}`, import.meta.url),
          `${historyToJSON(history)}\n`,
        );
      }
    }
    // By hand, with or without --wait: refused at once, no workflow started.
    for (const args of [
      ['sync', SOURCE, '--wait'],
      ['sync', SOURCE],
    ]) {
      const refused = await cli(args);
      expect({ args, code: refused.code, stderr: refused.stderr }).toEqual({
        args,
        code: 1,
        stderr: `afas-sync: sync of "${SOURCE}" skipped: ${SKIPPED}\n`,
      });
    }

    expect(await fixture.control.requests()).toEqual([]);
    expect(await fixture.app.runs.list(SOURCE, 10)).toEqual([]);
    expect(await sourceStatus()).toEqual({ status: 'needs_attention', reason: REASON });
    // `status` shows the skipped sync and why.
    const status = await cli(['status', SOURCE, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      status: 'needs_attention',
      statusReason: REASON,
      sync: { status: 'skipped' },
      lastError: { message: SKIPPED },
    });
  });

  it('a failed `source test` leaves it flagged; a passing one clears it and the next tick syncs', async () => {
    await fixture.control.fault({ kind: 'unavailable', retryAfterSeconds: 1 });
    try {
      const failed = await cli(['source', 'test', SOURCE]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/AFAS check of source "flagged" failed: .*503/);
    } finally {
      await fixture.control.clearFaults();
    }
    expect(await sourceStatus()).toEqual({ status: 'needs_attention', reason: REASON });
    expect(await scheduledTick()).toEqual({ skipped: true, reason: SKIPPED });

    const passed = await cli(['source', 'test', SOURCE]);
    expect(passed.code).toBe(0);
    expect(await sourceStatus()).toEqual({ status: 'active', reason: null });
    await fixture.control.clearRequests();
    const ran = await scheduledTick();
    expect(ran).toMatchObject({ skipped: false, status: 'succeeded' });
    expect((await fixture.control.requests()).length).toBeGreaterThan(5);
  });

  it('`source update` of the token clears it; an update of the interval alone does not', async () => {
    await fixture.app.sources.markNeedsAttention(SOURCE, REASON);
    const interval = await cli(['source', 'update', SOURCE, '--interval', '2h']);
    expect(interval.code).toBe(0);
    expect(interval.stderr).toContain(`note: source "${SOURCE}" still needs attention (${REASON})`);
    expect(await sourceStatus()).toEqual({ status: 'needs_attention', reason: REASON });
    expect(await scheduledTick()).toEqual({ skipped: true, reason: SKIPPED });

    const tokenFile = join(scratch, 'new.token');
    await writeFile(tokenFile, NEW_TOKEN, { mode: 0o600 });
    const rotated = await cli(['source', 'update', SOURCE, '--token-file', tokenFile]);
    expect(rotated.code).toBe(0);
    expect(await sourceStatus()).toEqual({ status: 'active', reason: null });
    const manual = await (await startSync(fixture.target, SOURCE, OPTIONS)).result();
    expect(manual.status).toBe('succeeded');
    expect(await scheduledTick()).toMatchObject({ skipped: false, status: 'succeeded' });
    // No token reached what the commands printed.
    const shown = await cli(['source', 'show', SOURCE, '--json']);
    expect(shown.stdout).not.toContain(NEW_TOKEN);
  });
});
