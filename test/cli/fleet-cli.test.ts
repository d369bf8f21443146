// The fleet through the real `afas-sync` binary, Temporal dev server and PostgreSQL: `status`
// without a source (order, --json, exit 0/4/1), `runs --failed --since`, and `schedule --all`
// (jitter on every schedule, pause/resume/every across sources, the update of an old schedule,
// carrying on past a source that fails). Run outcomes are written with the worker's own RunStore.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { describeSchedule, deleteSchedule, type SyncTarget } from '../../src/client/sync-control.js';
import { scheduleOffsetSeconds } from '../../src/client/schedule-spec.js';
import { formatDuration } from '../../src/cli/output.js';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { RunStore } from '../../src/db/runs.js';
import { SourceStore } from '../../src/db/sources.js';
import { freePort } from '../../src/temporal/dev-server.js';
import { scheduleIdFor, syncWorkflowId } from '../../src/workflows/definitions.js';
import { ensureBuilt } from '../helpers/build.js';
import { errorLines, runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { connectTestTemporal, type TemporalTestContext } from '../helpers/temporal.js';

const KEY = randomBytes(32).toString('hex');
const PREFIX = `f${randomBytes(3).toString('hex')}`;
// Schedules live in the shared namespace: every name is this file's own.
const [HEALTHY, RECOVERED, FAILING, ATTENTION, STALE, BROKEN] = [
  'healthy',
  'recovered',
  'failing',
  'attention',
  'stale',
  'broken',
].map((name) => `${PREFIX}-${name}`) as [string, string, string, string, string, string];
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface FleetLine {
  source: string;
  health: string;
  problems: string[];
  state: string;
  needsAttention: string | null;
  lastSuccessAt: string | null;
  freshness: { stale: boolean; staleAfterSeconds: number };
  lastRun: { runId: string; status: string } | null;
  failingDatasets: { dataset: string; administration: number; error: string | null }[];
  credential: { kind: string; daysLeft: number | null; warning: string | null };
  schedule: { exists: boolean; paused: boolean; everySeconds: number; jitterSeconds: number } | null;
}

describe('afas-sync fleet commands against Temporal and PostgreSQL', () => {
  let db: TestDatabase;
  let temporal: TemporalTestContext;
  let target: SyncTarget;
  let sources: SourceStore;
  let runs: RunStore;
  let env: Record<string, string>;
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    runCli(args, { env: { ...env, ...extra } });
  const fleet = async (extra: Record<string, string> = {}) => {
    const result = await cli(['status', '--json'], extra);
    return { code: result.code, lines: JSON.parse(result.stdout) as FleetLine[] };
  };

  /** A finished sync run of `source`, with the datasets that failed in it. */
  async function recordRun(
    source: string,
    status: 'succeeded' | 'partial' | 'failed',
    options: { failed?: string[]; error?: string; startedAt?: Date } = {},
  ): Promise<string> {
    const runId = `${source}-${randomBytes(4).toString('hex')}`;
    await runs.start({
      runId,
      source,
      kind: 'sync',
      workflowId: syncWorkflowId(source),
      workflowRunId: runId,
    });
    for (const dataset of options.failed ?? []) {
      const entry = { runId, dataset, administration: 0, connectorId: `Profit_${dataset}` };
      await runs.startDataset(db.pool, entry);
      await runs.finishDataset(db.pool, entry, {
        status: 'failed',
        error: `${dataset}: AFAS answered HTTP 500`,
      });
    }
    await runs.finish(runId, { status, error: options.error ?? null });
    if (options.startedAt)
      await db.pool.query(`UPDATE afas.sync_runs SET started_at = $2 WHERE run_id = $1`, [
        runId,
        options.startedAt,
      ]);
    return runId;
  }

  beforeAll(async () => {
    [db, temporal] = await Promise.all([createTestDatabase(), connectTestTemporal(), ensureBuilt()]);
    target = { client: temporal.client, taskQueue: temporal.taskQueue };
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: temporal.taskQueue,
      AFAS_SYNC_SECRET_KEY: KEY,
    };
    sources = new SourceStore(db.pool, db.schema, { current: parseSecretKey(KEY, 'test'), previous: [] });
    runs = new RunStore(db.pool, db.schema);
    for (const name of [HEALTHY, RECOVERED, FAILING]) {
      await sources.add({
        name,
        environmentId: '12345',
        environmentType: 'test',
        token: `T${randomBytes(8).toString('hex')}`,
      });
      await sources.markSuccess(name, minutesAgo(5));
    }
  });

  afterAll(async () => {
    for (const name of [HEALTHY, RECOVERED, FAILING, ATTENTION, STALE, BROKEN])
      await deleteSchedule(target, name).catch(() => undefined);
    await temporal?.client.workflow
      .getHandle(syncWorkflowId(HEALTHY))
      .terminate('test over')
      .catch(() => undefined);
    await temporal?.close();
    await db?.drop();
  });

  it('schedule --all creates every missing schedule with jitter: 10% of the interval, at most 5m', async () => {
    const result = await cli(['schedule', '--all', '--every', '15m']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const name of [HEALTHY, RECOVERED, FAILING])
      expect(result.stdout).toContain(`schedule of "${name}" created: every 15m, active, next run`);
    expect(result.stdout).toContain('3 schedule(s) changed');
    const description = await temporal.client.schedule.getHandle(scheduleIdFor(HEALTHY)).describe();
    expect(description.spec.jitter).toBe(90_000);
    expect(description.spec.intervals?.[0]?.every).toBe(900_000);
    expect(description.spec.intervals?.[0]?.offset).toBe(scheduleOffsetSeconds(HEALTHY, 900) * 1000);
    expect((await sources.get(FAILING)).syncIntervalSeconds).toBe(900);

    const hourly = await cli(['schedule', HEALTHY, '--every', '2h']);
    expect(hourly.stdout).toContain('every 2h, active');
    expect(await describeSchedule(target, HEALTHY)).toMatchObject({ everySeconds: 7200, jitterSeconds: 300 });
  });

  it('fleet status: all healthy exits 0, with one JSON object per source', async () => {
    await recordRun(RECOVERED, 'partial', { failed: ['debtors'], startedAt: minutesAgo(30) });
    await recordRun(RECOVERED, 'succeeded');
    const { code, lines } = await fleet();
    expect(code).toBe(0);
    expect(lines.map((line) => [line.source, line.health, line.state])).toEqual([
      [FAILING, 'healthy', 'scheduled'],
      [HEALTHY, 'healthy', 'scheduled'],
      [RECOVERED, 'healthy', 'scheduled'],
    ]);
    expect(lines.find((line) => line.source === RECOVERED)).toMatchObject({
      problems: [],
      lastRun: { status: 'succeeded' },
      failingDatasets: [],
      credential: { kind: 'token', warning: null },
      schedule: { exists: true, paused: false, everySeconds: 900, jitterSeconds: 90 },
      freshness: { stale: false, staleAfterSeconds: 2700 },
    });
    expect(Object.keys(lines[0] ?? {}).sort()).toEqual(
      [
        'source',
        'health',
        'problems',
        'state',
        'needsAttention',
        'lastSuccessAt',
        'freshness',
        'lastRun',
        'failingDatasets',
        'credential',
        'schedule',
      ].sort(),
    );
  });

  it('fleet status: worst first, a summary line, and exit 4 when any source is failing, stale or needs attention', async () => {
    await recordRun(FAILING, 'partial', { failed: ['debtors', 'creditors'] });
    await sources.add({
      name: ATTENTION,
      environmentId: '12346',
      environmentType: 'test',
      token: `T${randomBytes(8).toString('hex')}`,
    });
    await sources.markNeedsAttention(ATTENTION, 'AFAS refused the token (HTTP 401)');
    await sources.add({
      name: STALE,
      environmentId: '12347',
      environmentType: 'test',
      credential: {
        kind: 'oauth',
        clientId: 'stale-sync',
        clientSecret: `S${randomBytes(8).toString('hex')}`,
      },
      secretExpiresOn: new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10),
    });
    await sources.markSuccess(STALE, minutesAgo(16 * 60));
    // A sync running on this task queue (no worker picks it up, so it stays running).
    await temporal.client.workflow.start('syncSource', {
      taskQueue: temporal.taskQueue,
      workflowId: syncWorkflowId(HEALTHY),
      args: [{ source: HEALTHY, trigger: 'manual', options: {} }],
    });

    const { code, lines } = await until('the running sync to show', async () => {
      const read = await fleet();
      return read.lines.find((line) => line.source === HEALTHY)?.state === 'syncing' ? read : undefined;
    });
    expect(code).toBe(4);
    expect(lines.map((line) => [line.source, line.health, line.state])).toEqual([
      [ATTENTION, 'needs_attention', 'unscheduled'],
      [FAILING, 'failing', 'scheduled'],
      [STALE, 'stale', 'unscheduled'],
      [HEALTHY, 'healthy', 'syncing'],
      [RECOVERED, 'healthy', 'scheduled'],
    ]);
    expect(lines[0]).toMatchObject({ needsAttention: 'AFAS refused the token (HTTP 401)', schedule: null });
    expect(lines[1]?.failingDatasets.map((item) => item.dataset)).toEqual(['creditors', 'debtors']);
    expect(lines[2]?.credential).toMatchObject({ kind: 'oauth', daysLeft: expect.any(Number) as number });
    expect(lines[2]?.credential.warning).toMatch(/OAuth client secret expires on/);

    const text = await cli(['status']);
    expect(text.code).toBe(4);
    const rows = text.stdout.split('\n');
    expect(rows[0]).toMatch(
      /^source\s+health\s+state\s+last success\s+freshness\s+failing\s+credential\s+attention$/,
    );
    expect(rows[1]).toMatch(
      new RegExp(
        `^${ATTENTION}\\s+NEEDS ATTENTION\\s+unscheduled\\s+never\\s+fresh\\s+-\\s+token, ends in \\d+d\\s+AFAS refused the token`,
      ),
    );
    expect(rows[2]).toMatch(
      new RegExp(`^${FAILING}\\s+FAILING\\s+scheduled\\s+5m\\d*s? ago\\s+fresh\\s+creditors, debtors\\s`),
    );
    expect(rows[3]).toMatch(
      new RegExp(
        `^${STALE}\\s+STALE\\s+unscheduled\\s+16h\\d*s? ago\\s+STALE \\(> 45m\\)\\s+-\\s+oauth, secret EXPIRES in \\d+d`,
      ),
    );
    expect(text.stdout).toContain(
      '5 source(s): 1 needing attention, 1 failing, 1 stale, 2 healthy; 1 syncing; 1 credential warning(s); 4 on classic tokens',
    );
    // --stale-after applies to every source.
    const tight = JSON.parse((await cli(['status', '--json', '--stale-after', '1m'])).stdout) as FleetLine[];
    expect(tight.filter((line) => line.health === 'stale').map((line) => line.source)).toEqual([
      HEALTHY,
      RECOVERED,
      STALE,
    ]);
  });

  it('fleet status exits 1 with one line when PostgreSQL or Temporal cannot be read', async () => {
    const down = await freePort();
    const noDb = await cli(['status'], { DATABASE_URL: `postgres://127.0.0.1:${down}/afas_sync` });
    expect({ code: noDb.code, stderr: errorLines(noDb) }).toEqual({
      code: 1,
      stderr: [
        expect.stringMatching(/^afas-sync: cannot read the fleet's state from PostgreSQL: .*ECONNREFUSED/),
      ],
    });
    const noTemporal = await cli(['status', '--json'], { TEMPORAL_ADDRESS: `127.0.0.1:${down}` });
    expect({ code: noTemporal.code, stdout: noTemporal.stdout, stderr: errorLines(noTemporal) }).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        expect.stringMatching(
          /^afas-sync: cannot read the fleet's state from Temporal: cannot reach Temporal at/,
        ),
      ],
    });
  });

  it('runs --failed lists failed and partial runs of every source within --since, newest first', async () => {
    const old = await recordRun(FAILING, 'failed', {
      error: 'AFAS unreachable\nsecond line',
      startedAt: minutesAgo(3 * 24 * 60),
    });
    const recent = await recordRun(ATTENTION, 'failed', {
      error: 'AfasAuth: HTTP 401 from AFAS',
    });
    const day = JSON.parse((await cli(['runs', '--failed', '--json'])).stdout) as {
      runId: string;
      source: string;
      status: string;
    }[];
    expect(day.map((run) => [run.source, run.status])).toEqual([
      [ATTENTION, 'failed'],
      [FAILING, 'partial'],
      [RECOVERED, 'partial'],
    ]);
    expect(day[0]?.runId).toBe(recent);
    const week = JSON.parse((await cli(['runs', '--failed', '--since', '7d', '--json'])).stdout) as {
      runId: string;
    }[];
    expect(week.map((run) => run.runId)).toContain(old);
    expect(week).toHaveLength(4);

    const text = await cli(['runs', '--failed', '--since', '7d']);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^started\s+source\s+run\s+kind\s+status\s+error$/);
    expect(text.stdout).toMatch(
      new RegExp(`${ATTENTION}\\s+${recent}\\s+sync\\s+failed\\s+AfasAuth: HTTP 401 from AFAS`),
    );
    expect(text.stdout).toMatch(/AFAS unreachable second line/);
    const one = JSON.parse((await cli(['runs', FAILING, '--failed', '--since', '1h', '--json'])).stdout) as {
      source: string;
    }[];
    expect(one.map((run) => run.source)).toEqual([FAILING]);
    const limited = await cli(['runs', '--failed', '--since', '7d', '--limit', '2']);
    expect(limited.stderr).toContain('showing the newest 2');

    const bad = await cli(['runs', '--failed', '--since', 'yesterday']);
    expect({ code: bad.code, stderr: errorLines(bad) }).toEqual({
      code: 2,
      stderr: ['afas-sync: --since must be a duration like 15m, 1h or 900s (got "yesterday")'],
    });
    const bare = await cli(['runs']);
    expect(bare.code).toBe(2);
    expect(errorLines(bare)).toEqual([expect.stringMatching(/give a source .*or --failed/)]);
    // `runs <source>` is as it was: every run of the source.
    const all = JSON.parse((await cli(['runs', RECOVERED, '--json'])).stdout) as { status: string }[];
    expect(all.map((run) => run.status)).toEqual(['succeeded', 'partial']);
  });

  it('schedule --all pauses and resumes every source, and updates an old schedule without jitter', async () => {
    await deleteSchedule(target, RECOVERED);
    // A schedule as ensureSchedule made it before jitter.
    await temporal.client.schedule.create({
      scheduleId: scheduleIdFor(RECOVERED),
      spec: { intervals: [{ every: '900 seconds' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'scheduledSync',
        taskQueue: temporal.taskQueue,
        workflowId: `afas-scheduled/${RECOVERED}`,
        args: [{ source: RECOVERED, trigger: 'schedule' }],
      },
      state: { paused: true },
    });
    expect(await describeSchedule(target, RECOVERED)).toMatchObject({ jitterSeconds: 0, paused: true });
    expect((await cli(['schedule', RECOVERED])).stdout).toContain('paused, no jitter');
    const refreshed = await cli(['schedule', RECOVERED, '--refresh']);
    expect(refreshed.stdout).toContain(
      `schedule of "${RECOVERED}" updated: every 15m, paused, offset ${formatDuration(scheduleOffsetSeconds(RECOVERED, 900))} into each interval, start jitter up to 1m30s`,
    );
    expect(await describeSchedule(target, RECOVERED)).toMatchObject({ jitterSeconds: 90, paused: true });

    const names = [ATTENTION, FAILING, HEALTHY, RECOVERED, STALE];
    const paused = await cli(['schedule', '--all', '--pause']);
    expect(paused.code).toBe(0);
    for (const name of names) {
      expect(paused.stdout).toMatch(
        new RegExp(
          `schedule of "${name}" (created|updated): every \\S+, paused, offset \\S+ into each interval, start jitter`,
        ),
      );
      expect(await describeSchedule(target, name)).toMatchObject({ exists: true, paused: true });
    }
    expect((await temporal.client.schedule.getHandle(scheduleIdFor(FAILING)).describe()).state.note).toBe(
      'paused with afas-sync schedule --pause',
    );
    const resumed = await cli(['schedule', '--all', '--resume']);
    expect(resumed.code).toBe(0);
    for (const name of names) expect(await describeSchedule(target, name)).toMatchObject({ paused: false });
    // Each source keeps its own interval (and so its own jitter) through pause and resume.
    expect(await describeSchedule(target, HEALTHY)).toMatchObject({ everySeconds: 7200, jitterSeconds: 300 });
    const listed = await cli(['schedule', '--all']);
    expect(listed.stdout).toMatch(
      new RegExp(`schedule of "${HEALTHY}": every 2h, active, next run .*, start jitter up to 5m`),
    );
  });

  it('schedule --all carries on past a source that fails, names it, and exits 1', async () => {
    await sources.add({
      name: BROKEN,
      environmentId: '12348',
      environmentType: 'test',
      token: `T${randomBytes(8).toString('hex')}`,
    });
    // PostgreSQL refuses any change of this one source, as a failing row would.
    await db.pool.query(`
      CREATE FUNCTION afas.refuse_broken() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'row of % is locked by the test', OLD.name; END $$;
      CREATE TRIGGER refuse_broken BEFORE UPDATE ON afas.sources
        FOR EACH ROW WHEN (OLD.name = '${BROKEN}') EXECUTE FUNCTION afas.refuse_broken();`);
    const result = await cli(['schedule', '--all', '--every', '30m']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`schedule of "${BROKEN}" FAILED: row of ${BROKEN} is locked by the test`);
    for (const name of [ATTENTION, FAILING, HEALTHY, RECOVERED, STALE]) {
      expect(result.stdout).toContain(`schedule of "${name}" updated: every 30m, active`);
      expect(await describeSchedule(target, name)).toMatchObject({ everySeconds: 1800, jitterSeconds: 180 });
    }
    expect(errorLines(result)).toEqual([`afas-sync: 1 of 6 schedule(s) could not be changed: ${BROKEN}`]);
    expect(await describeSchedule(target, BROKEN)).toMatchObject({ exists: false });
  });
});
