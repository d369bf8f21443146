// Shared set-up of the historical-import tests: a simulator, a migrated database with one source,
// Temporal, and helpers to read what the import did (partition rows, simulator request log).
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { AfasClient } from '../../src/afas/index.js';
import type { AppContext } from '../../src/app/context.js';
import { ImportStore, type PartitionRecord } from '../../src/db/import-state.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SimControl } from '../helpers/simulator.js';
import { connectTestTemporal, testAppContext, type TemporalTestContext } from '../helpers/temporal.js';

export const TOKEN_DATA = 'D0D0CAFE0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567';
export const THIS_YEAR = Number(
  new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Amsterdam', year: 'numeric' }).format(new Date()),
);

export interface ImportTestEnv {
  db: TestDatabase;
  app: AppContext;
  temporal: TemporalTestContext;
  sim: RunningSimulator;
  control: SimControl;
  afas: AfasClient;
  store: ImportStore;
  source: string;
  target: { client: TemporalTestContext['client']; taskQueue: string };
  close(): Promise<void>;
}

export async function setupImportEnv(options: {
  simulator: SimulatorOptions;
  source?: string;
  connectorPrefix?: string;
  maxConcurrency?: number;
}): Promise<ImportTestEnv> {
  const db = await createTestDatabase();
  const app = testAppContext(db);
  const temporal = await connectTestTemporal();
  const sim = await startSimulator({ control: true, tokens: [{ token: TOKEN_DATA }], ...options.simulator });
  const control = new SimControl(sim.url);
  const afas = new AfasClient({
    environmentId: '12345',
    environmentType: 'test',
    baseUrl: sim.baseUrl,
    token: TOKEN_DATA,
  });
  // Unique per test: workflow ids are per source, and one Temporal server serves every test file.
  const source = `${options.source ?? 'imp'}-${randomBytes(3).toString('hex')}`;
  await app.sources.add({
    name: source,
    environmentId: '12345',
    environmentType: 'test',
    baseUrl: sim.baseUrl,
    token: TOKEN_DATA,
    connectorPrefix: options.connectorPrefix ?? 'Profit_',
    maxConcurrency: options.maxConcurrency ?? 3,
  });
  return {
    db,
    app,
    temporal,
    sim,
    control,
    afas,
    store: new ImportStore(db.pool, db.schema),
    source,
    target: { client: temporal.client, taskQueue: temporal.taskQueue },
    async close() {
      await afas.close().catch(() => undefined);
      await sim.close().catch(() => undefined);
      await temporal.close().catch(() => undefined);
      await db.drop();
    },
  };
}

export interface LoggedRequest {
  seq: number;
  timestamp: string;
  path: string;
  connector: string | null;
  query: Record<string, string>;
  status: number;
  rows: number | null;
}

/** The simulator's log of GetConnector calls (of one connector, when given; metainfo calls excluded). */
export async function requestLog(control: SimControl, connector?: string): Promise<LoggedRequest[]> {
  const query = connector ? `?connector=${encodeURIComponent(connector)}` : '';
  const body = await control.call<{ entries: LoggedRequest[]; dropped: number }>('GET', `requests${query}`);
  if (body.dropped > 0)
    throw new Error(`the simulator dropped ${body.dropped} request log entries; the test needs all of them`);
  return body.entries.filter((entry) => entry.path.includes('/connectors/'));
}

/**
 * The import partition a journal-line request read, from its filter: `journal_lines/<unit>/<year>/<period|other>`.
 * Every OR group of a partition query carries the partition's own conditions.
 */
export function partitionOfRequest(entry: LoggedRequest): string | null {
  const ids = entry.query.filterfieldids;
  const values = entry.query.filtervalues;
  const operators = entry.query.operatortypes;
  if (!ids || values === undefined || !operators) return null;
  const fields = (ids.split(';')[0] ?? '').split(',');
  const vals = (values.split(';')[0] ?? '').split(',');
  const ops = (operators.split(';')[0] ?? '').split(',');
  let unit: string | undefined;
  let year: string | undefined;
  let period: string | undefined;
  let other = false;
  fields.forEach((field, index) => {
    const value = vals[index];
    const op = ops[index];
    if (field === 'UnitId' && op === '1') unit = value;
    if (field === 'Year' && op === '1') year = value;
    if (field === 'Period' && op === '1') period = value?.padStart(2, '0');
    if (field === 'Period' && op === '7') other = true;
  });
  if (!unit || !year || (!period && !other)) return null;
  return `journal_lines/${unit}/${year}/${period ?? 'other'}`;
}

export async function partitions(env: ImportTestEnv, importId: string): Promise<PartitionRecord[]> {
  return env.store.listPartitions(importId);
}

export async function latestImportId(env: ImportTestEnv): Promise<string> {
  const [latest] = await env.store.list(env.source, 1);
  if (!latest) throw new Error('no import recorded');
  return latest.importId;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${lastError instanceof Error ? ` (last error: ${lastError.message})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export async function tableCount(env: ImportTestEnv, administrations: readonly number[]): Promise<number> {
  const result = await env.db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM afas.journal_lines WHERE _source = $1 AND _administration = ANY($2::int[]) AND _deleted_at IS NULL`,
    [env.source, administrations],
  );
  return result.rows[0]?.n ?? 0;
}

/**
 * With RECORD_HISTORIES=1, saves each run of the workflow's chain (first run → last) as a replay
 * fixture `test/fixtures/histories/<name>-run<N>.json`.
 */
export async function recordHistories(
  env: ImportTestEnv,
  handle: WorkflowHandleWithFirstExecutionRunId,
  name: string,
): Promise<number> {
  if (process.env.RECORD_HISTORIES !== '1') return 0;
  const dir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
  await mkdir(dir, { recursive: true });
  let runId: string | undefined = handle.firstExecutionRunId;
  let index = 0;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await env.temporal.client.workflow
      .getHandle(handle.workflowId, runId)
      .fetchHistory();
    index += 1;
    await writeFile(`${dir}${name}-run${index}.json`, historyToJSON(history));
    const events = history.events ?? [];
    const next: string | null | undefined =
      events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    runId = next ?? undefined;
  }
  return index;
}
