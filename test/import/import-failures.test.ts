// Failure paths of the historical import: a partition AFAS refuses fails alone (the import ends
// partial, a restart retries just that partition); a refused token stops the whole import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importProgress, startImport, type ImportOptions } from '../../src/client/import-control.js';
import { startTestWorker } from '../helpers/temporal.js';
import {
  eventually,
  partitionOfRequest,
  partitions,
  requestLog,
  setupImportEnv,
  THIS_YEAR,
  TOKEN_DATA,
  type ImportTestEnv,
} from './support.js';

const OPTIONS: ImportOptions = {
  fromYear: THIS_YEAR,
  maxConcurrency: 2,
  heartbeatTimeoutSeconds: 3,
  retryInitialSeconds: 1,
  retryMaximumSeconds: 2,
};

describe('historical import failures', () => {
  let env: ImportTestEnv;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;

  beforeAll(async () => {
    env = await setupImportEnv({
      simulator: { seed: 9, administrations: 1, years: [THIS_YEAR], linesPerYear: 240 },
    });
    worker = await startTestWorker(env.temporal, env.app);
  });

  afterAll(async () => {
    await worker?.stop();
    await env?.close();
  });

  it('a partition AFAS refuses fails alone; the restart retries only that partition', async () => {
    // One functional AFAS error (HTTP 500 "unexpected error"): not retryable, fails its partition.
    await env.control.fault({ kind: 'unexpected', connector: 'Profit_Transactions', count: 1 });
    // One partition at a time, so exactly one partition meets the fault.
    const first = await (
      await startImport(env.target, env.source, { ...OPTIONS, maxConcurrency: 1 })
    ).result();
    expect(first.status).toBe('partial');
    expect(first.partitions).toMatchObject({ total: 13, done: 12, failed: 1 });
    expect(first.error).toMatch(/1 partition\(s\) failed/);
    const importId = first.importId as string;
    const failed = (await partitions(env, importId)).filter((p) => p.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.lastError).toMatch(/HTTP 500: (An unexpected error|Er is een onverwachte fout)/);
    expect(await env.store.get(importId)).toMatchObject({ status: 'failed' });
    expect(await env.app.runs.get(first.runId)).toMatchObject({ kind: 'import', status: 'partial' });
    const progress = await importProgress(env.target, env.source);
    expect(progress).toMatchObject({ status: 'partial', phase: 'failed' });
    expect(progress?.lastError?.partition).toBe(failed[0]?.key);
    // The administration is not complete: its journal-line watermark is not moved.
    expect((await env.app.state.get(env.db.pool, env.source, 'journal_lines', 1)).watermark).toBeNull();

    const before = (await requestLog(env.control, 'Profit_Transactions')).length;
    const second = await (await startImport(env.target, env.source, OPTIONS)).result();
    expect(second).toMatchObject({ status: 'succeeded', importId });
    const retried = (await requestLog(env.control, 'Profit_Transactions')).slice(before);
    expect(retried.length).toBeGreaterThan(0);
    expect(new Set(retried.map((request) => partitionOfRequest(request)))).toEqual(new Set([failed[0]?.key]));
    expect((await env.app.state.get(env.db.pool, env.source, 'journal_lines', 1)).watermark).not.toBeNull();
  });

  it('a refused token stops the whole import and marks the source for attention', async () => {
    const handle = await startImport(env.target, env.source, { ...OPTIONS, requestsPerMinute: 600 });
    await eventually('a few partitions done', async () => {
      const value = await importProgress(env.target, env.source);
      return value && value.runId !== null && value.partitions.done >= 2 ? true : undefined;
    });
    await env.control.call('POST', 'tokens/revoke', { token: TOKEN_DATA });
    const result = await handle.result();
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/401|token|refused/i);
    expect(result.partitions.done).toBeLessThan(result.partitions.total);
    const importId = result.importId as string;
    expect(await env.store.get(importId)).toMatchObject({ status: 'failed' });
    expect((await partitions(env, importId)).some((p) => p.status === 'running')).toBe(false);
    expect(await env.app.sources.get(env.source)).toMatchObject({ status: 'needs_attention' });
  });
});
