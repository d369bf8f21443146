// The operator's path through the real `afas-sync` binary: register a source (token on stdin),
// sync it through a worker subprocess, read status/runs, change the schedule, rotate the token
// and key, scrape the worker's metrics, remove the source. No token ever appears in any output.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requiredConnectorIds } from '../../src/catalog/index.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { freePort } from '../../src/temporal/dev-server.js';
import { ensureBuilt } from '../helpers/build.js';
import { allOutput, errorLines, runCli, sourceAddArgs, spawnCli, type CliProcess } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const TOKEN = `cliFlowToken${randomBytes(8).toString('hex')}`;
const NEW_TOKEN = `cliFlowRotated${randomBytes(8).toString('hex')}`;
const PARTIAL_TOKEN = `cliFlowPartial${randomBytes(8).toString('hex')}`;
const KEY = randomBytes(32).toString('hex');
const NEW_KEY = randomBytes(32).toString('hex');
const SOURCE = `cli-${randomBytes(3).toString('hex')}`;
const MISSING = ['Profit_Transactions', 'Profit_Debtor'];

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('afas-sync CLI against Temporal, PostgreSQL and the simulator', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let worker: CliProcess;
  let metricsPort: number;
  let env: Record<string, string>;
  let runId: string;

  const cli = (args: string[], input?: string, extra: Record<string, string> = {}) =>
    runCli(args, { env: { ...env, ...extra }, input });
  const addArgs = (name: string) => [
    ...sourceAddArgs(name, sim.baseUrl),
    '--interval',
    '1h',
    '--token-stdin',
  ];

  beforeAll(async () => {
    const present = requiredConnectorIds({ connectorPrefix: 'Profit_', connectorMap: {} }).filter(
      (id) => !MISSING.includes(id),
    );
    [db, sim] = await Promise.all([
      createTestDatabase(),
      startSimulator({
        linesPerYear: 200,
        control: true,
        tokens: [
          { token: TOKEN, appName: 'cli test' },
          { token: NEW_TOKEN, appName: 'cli test' },
          { token: PARTIAL_TOKEN, appName: 'partial app', connectors: present },
        ],
      }),
      ensureBuilt(),
    ]);
    metricsPort = await freePort();
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `cli-${randomBytes(4).toString('hex')}`,
      AFAS_SYNC_SECRET_KEY: KEY,
    };
    worker = spawnCli(['worker'], { ...env, METRICS_PORT: String(metricsPort), LOG_LEVEL: 'debug' });
    await until('the worker to be ready', async () => {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/readyz`);
      return response.status === 200 ? true : undefined;
    });
  });

  afterAll(async () => {
    await runCli(['source', 'remove', SOURCE], { env: env ?? {} }).catch(() => undefined);
    const code = await worker?.stop();
    await sim?.close();
    await db?.drop();
    expect(code).toBe(0);
  });

  it('refuses to store a source whose App connector lacks connectors, and says which', async () => {
    const result = await cli(addArgs(SOURCE), PARTIAL_TOKEN);
    expect(result.code).toBe(1);
    for (const id of MISSING) expect(result.stdout).toContain(id);
    expect(result.stdout).toContain('partial app');
    expect(errorLines(result)).toEqual([
      expect.stringMatching(/^afas-sync: source ".*" not stored: .*2 required GetConnector/),
    ]);
    const list = await cli(['source', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('adds a source with the token on stdin, checked against AFAS, with a paused schedule', async () => {
    const result = await cli(addArgs(SOURCE), `${TOKEN}\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('11 of 11 required GetConnectors present');
    expect(result.stdout).toContain(`source "${SOURCE}" added`);

    const again = await cli(addArgs(SOURCE), TOKEN);
    expect(again.code).toBe(1);
    expect(errorLines(again)).toEqual([
      `afas-sync: source "${SOURCE}" already exists; change it with \`afas-sync source update ${SOURCE}\``,
    ]);

    const list = JSON.parse((await cli(['source', 'list', '--json'])).stdout) as {
      name: string;
      syncIntervalSeconds: number;
    }[];
    expect(list).toMatchObject([{ name: SOURCE, syncIntervalSeconds: 3600 }]);
    const show = await cli(['source', 'show', SOURCE, '--json']);
    const record = JSON.parse(show.stdout) as Record<string, unknown>;
    expect(record).toMatchObject({
      name: SOURCE,
      environmentId: '12345',
      baseUrl: sim.baseUrl,
      connectorPrefix: 'Profit_',
    });
    expect(Object.keys(record)).not.toContain('token');
    expect((await cli(['source', 'show', SOURCE])).stdout).toContain('sealed with key');
  });

  it('tests the source against AFAS', async () => {
    const result = await cli(['source', 'test', SOURCE]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('O12345AA');
    expect(result.stdout).toContain(`source "${SOURCE}" is ready`);
  });

  it('syncs with --wait: progress, a per-dataset summary, exit 0', async () => {
    // One locked answer on the accounts connector: retried in place, and counted in the metrics.
    const fault = await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'locked', connector: 'Profit_Accounts', count: 1 }),
    });
    expect(fault.status).toBe(201);
    const result = await cli(['sync', SOURCE, '--wait']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/started the sync of/);
    expect(result.stdout).toMatch(/journal_lines\s+1\s+succeeded\s+[\d,]+/);
    const summary = /sync of ".*" succeeded after \d+s: ([\d,]+) inserted.*\(run ([0-9a-f-]{36})\)/.exec(
      result.stdout,
    );
    expect(summary).not.toBeNull();
    expect(Number(summary?.[1]?.replace(/,/g, ''))).toBeGreaterThan(1_000);
    runId = summary?.[2] ?? '';
  });

  it('reports status as JSON: finished sync, datasets, fresh data, paused schedule', async () => {
    const result = await cli(['status', SOURCE, '--json']);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as {
      status: string;
      freshness: { stale: boolean; neverSucceeded: boolean; staleAfterSeconds: number };
      schedule: { exists: boolean; paused: boolean; everySeconds: number };
      sync: {
        execution: string;
        phase: string;
        status: string;
        runId: string;
        datasets: {
          dataset: string;
          status: string;
          retries: number | null;
          deletesCheckedAt: string | null;
        }[];
      };
      lastError: unknown;
      workers: { taskQueue: string; pollers: number };
    };
    expect(status).toMatchObject({
      status: 'active',
      freshness: { stale: false, neverSucceeded: false, staleAfterSeconds: 3 * 3600 },
      schedule: { exists: true, paused: true, everySeconds: 3600 },
      sync: { execution: 'COMPLETED', phase: 'done', status: 'succeeded', runId },
      lastError: null,
    });
    expect(status.workers).toEqual({
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      pollers: expect.any(Number) as number,
    });
    expect(status.workers.pollers).toBeGreaterThanOrEqual(1);
    expect(status.sync.datasets.map((item) => item.dataset)).toContain('journal_lines');
    expect(status.sync.datasets.every((item) => item.status === 'succeeded' && item.retries !== null)).toBe(
      true,
    );
    // One sync checked every dataset for deletes: whole reads, and journal lines through their changed days.
    expect(status.sync.datasets.filter((item) => item.deletesCheckedAt === null)).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const stale = JSON.parse((await cli(['status', SOURCE, '--json', '--stale-after', '1s'])).stdout) as {
      freshness: { stale: boolean };
    };
    expect(stale.freshness.stale).toBe(true);
    const text = await cli(['status', SOURCE]);
    expect(text.stdout).toMatch(/freshness\s+last success .*: fresh/);
    expect(text.stdout).toMatch(/schedule\s+every 1h, PAUSED/);
    expect(text.stdout).toMatch(/deletes checked/);
  });

  it('lists runs and shows one run per dataset', async () => {
    const table = await cli(['runs', SOURCE]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(runId);
    const runs = JSON.parse((await cli(['runs', SOURCE, '--json', '--limit', '5'])).stdout) as {
      runId: string;
      status: string;
      kind: string;
    }[];
    expect(runs.find((run) => run.runId === runId)).toMatchObject({ status: 'succeeded', kind: 'sync' });
    const one = await cli(['runs', SOURCE, '--run', runId]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/status\s+succeeded/);
    expect(one.stdout).toMatch(/period_balances\s+2\s+succeeded/);
    const json = JSON.parse((await cli(['runs', SOURCE, '--run', runId, '--json'])).stdout) as {
      datasets: unknown[];
    };
    expect(json.datasets.length).toBeGreaterThan(10);
    const missing = await cli(['runs', SOURCE, '--run', 'no-such-run']);
    expect(missing.code).toBe(1);
    expect(errorLines(missing)).toHaveLength(1);
  });

  it('exits 3 on a partial sync and shows the failed dataset with its AFAS log reference', async () => {
    const faults = `${sim.url}/__sim/faults`;
    const added = await fetch(faults, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'unexpected', connector: 'Profit_Debtor' }),
    });
    expect(added.status).toBe(201);
    let result;
    try {
      result = await cli(['sync', SOURCE, '--wait']);
    } finally {
      await fetch(faults, { method: 'DELETE' });
    }
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/debtors\s+-\s+failed/);
    expect(result.stdout).toMatch(/errors:\n {2}debtors: .*\[AFAS log reference \S+\]/);
    const line = errorLines(result);
    expect(line).toEqual([
      expect.stringMatching(
        /^afas-sync: sync of ".*" partial: 1 dataset\(s\) failed \(details: afas-sync runs .* --run [0-9a-f-]{36}\)$/,
      ),
    ]);
    const partialRun = /--run ([0-9a-f-]{36})/.exec(line[0] ?? '')?.[1] ?? '';
    const shown = await cli(['runs', SOURCE, '--run', partialRun]);
    expect(shown.stdout).toMatch(/status\s+partial/);
    expect(shown.stdout).toMatch(/AFAS log ref\s+\S+/);
    const status = JSON.parse((await cli(['status', SOURCE, '--json'])).stdout) as {
      sync: { status: string };
      lastError: { message: string; profitLogReference: string | null };
    };
    expect(status.sync.status).toBe('partial');
    expect(status.lastError.message).toMatch(/^debtors: /);
    expect(status.lastError.profitLogReference).toEqual(expect.any(String));
  });

  it('changes the schedule: interval (stored on the source too), resume, pause', async () => {
    const every = await cli(['schedule', SOURCE, '--every', '2h']);
    expect(every.code).toBe(0);
    expect(every.stdout).toContain('every 2h, paused');
    const record = JSON.parse((await cli(['source', 'show', SOURCE, '--json'])).stdout) as {
      syncIntervalSeconds: number;
    };
    expect(record.syncIntervalSeconds).toBe(7200);
    expect((await cli(['schedule', SOURCE, '--resume'])).stdout).toMatch(/every 2h, active, next run/);
    expect((await cli(['schedule', SOURCE, '--pause'])).stdout).toContain('every 2h, paused');
    expect((await cli(['schedule', SOURCE])).stdout).toContain('every 2h, paused');
  });

  it('rotates the token (checked first) and keeps the schedule in step', async () => {
    const rotated = await cli(['source', 'update', SOURCE, '--token-stdin', '--interval', '90m'], NEW_TOKEN);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('updated (interval, token)');
    const status = JSON.parse((await cli(['status', SOURCE, '--json'])).stdout) as {
      schedule: { everySeconds: number; paused: boolean };
    };
    expect(status.schedule).toMatchObject({ everySeconds: 5400, paused: true });
    const refused = await cli(['source', 'update', SOURCE, '--token-stdin'], 'unknownToken1234');
    expect(refused.code).toBe(1);
    expect(errorLines(refused)).toEqual([expect.stringContaining('HTTP 401')]);
  });

  it("serves the worker's metrics: ours and Temporal's, plus health and readiness", async () => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    for (const line of samples)
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?[0-9.e+-]+|NaN|[+-]Inf$/);
    const value = (pattern: RegExp) =>
      Number(
        samples
          .find((line) => pattern.test(line))
          ?.split(' ')
          .pop(),
      );
    expect(
      value(/^afas_sync_rows_written_total\{dataset="journal_lines",operation="inserted"\}/),
    ).toBeGreaterThan(1_000);
    expect(
      value(
        new RegExp(
          `^afas_sync_afas_requests_total\\{source="${SOURCE}",request="page",status_class="2xx"\\}`,
        ),
      ),
    ).toBeGreaterThan(10);
    // The locked answer hit the first call on Profit_Accounts (its describe or its page), and the
    // partial sync's debtors requests failed (5xx, not retried).
    const failed = samples.filter(
      (line) =>
        line.startsWith(`afas_sync_afas_requests_total{source="${SOURCE}"`) &&
        line.includes('status_class="5xx"'),
    );
    expect(
      failed.map((line) => Number(line.split(' ').pop())).reduce((a, b) => a + b, 0),
    ).toBeGreaterThanOrEqual(2);
    expect(
      value(new RegExp(`^afas_sync_afas_retries_total\\{source="${SOURCE}",error_class="locked"\\}`)),
    ).toBe(1);
    expect(
      value(new RegExp(`^afas_sync_afas_page_duration_seconds_count\\{source="${SOURCE}"\\}`)),
    ).toBeGreaterThan(10);
    expect(
      value(new RegExp(`^afas_sync_source_last_success_age_seconds\\{source="${SOURCE}"\\}`)),
    ).toBeGreaterThanOrEqual(0);
    expect(value(new RegExp(`^afas_sync_source_stale\\{source="${SOURCE}"\\}`))).toBe(0);
    expect(value(/^afas_sync_stale_sources /)).toBe(0);
    expect(
      value(new RegExp(`^afas_sync_runs_finished_total\\{source="${SOURCE}",status="succeeded"\\}`)),
    ).toBe(1);
    expect(value(new RegExp(`^afas_sync_runs_finished_total\\{source="${SOURCE}",status="partial"\\}`))).toBe(
      1,
    );
    expect(samples.some((line) => /^temporal_\w+/.test(line))).toBe(true);
    expect(text).toContain('# TYPE afas_sync_afas_page_duration_seconds histogram');

    const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${metricsPort}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { worker: 'ok', database: 'ok' } });
  });

  it('re-seals tokens with a new key after a key rotation', async () => {
    const resealed = await cli(['source', 'reseal'], undefined, {
      AFAS_SYNC_SECRET_KEY: NEW_KEY,
      AFAS_SYNC_PREVIOUS_SECRET_KEYS: KEY,
    });
    expect(resealed.code).toBe(0);
    expect(resealed.stdout).toMatch(new RegExp(`re-sealed 1 token\\(s\\) with key [0-9a-f]{8}: ${SOURCE}`));
    const tested = await cli(['source', 'test', SOURCE], undefined, { AFAS_SYNC_SECRET_KEY: NEW_KEY });
    expect(tested.code).toBe(0);
    const oldKey = await cli(['source', 'test', SOURCE]);
    expect(oldKey.code).toBe(1);
    expect(errorLines(oldKey)).toEqual([
      expect.stringContaining('neither AFAS_SYNC_SECRET_KEY nor in AFAS_SYNC_PREVIOUS_SECRET_KEYS'),
    ]);
  });

  it('removes the source with its schedule', async () => {
    const removed = await cli(['source', 'remove', SOURCE]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`source "${SOURCE}" removed`);
    expect(JSON.parse((await cli(['source', 'list', '--json'])).stdout)).toEqual([]);
    const gone = await cli(['status', SOURCE]);
    expect(gone.code).toBe(1);
    expect(errorLines(gone)).toEqual([
      `afas-sync: unknown source "${SOURCE}" (list them with \`afas-sync source list\`)`,
    ]);
  });

  it('never printed a token, in any form, in any command or in the worker log', async () => {
    await worker.stop();
    const everything = [...allOutput, worker.output()].join('\n');
    for (const token of [TOKEN, NEW_TOKEN, PARTIAL_TOKEN, KEY, NEW_KEY]) {
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(
        Buffer.from(`<token><version>1</version><data>${token}</data></token>`).toString('base64'),
      );
    }
  });
});
