import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';

/** Runs `node dist/worker.js` with an environment; resolves with its exit code, output and duration. */
function runWorker(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${inject('distDir')}worker.js`], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, stdout, ms: Date.now() - started });
    });
  });
}

const KEY = '22'.repeat(32);
const goodDb = () => {
  const url = new URL(inject('pgAdminUrl'));
  url.pathname = '/afas_sync_worker_config_test';
  return url.toString();
};

describe('node dist/worker.js with bad configuration', () => {
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS afas_sync_worker_config_test WITH (FORCE)');
    await admin.end();
  });

  it('DATABASE_URL=nonsense: exits 2 at once with one line naming the variable', async () => {
    const result = await runWorker({ DATABASE_URL: 'nonsense', AFAS_SYNC_SECRET_KEY: KEY });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'afas-sync: DATABASE_URL: is not a URL; expected postgres://user@host:5432/database',
    ]);
    expect(result.ms).toBeLessThan(10_000);
  });

  it('a bad secret key: exits 2 naming AFAS_SYNC_SECRET_KEY, without echoing it', async () => {
    const result = await runWorker({ AFAS_SYNC_SECRET_KEY: 'hunter2-not-a-key', DATABASE_URL: goodDb() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^afas-sync: AFAS_SYNC_SECRET_KEY: must be a 256-bit key/);
    expect(result.stderr).not.toContain('hunter2');
    const missing = await runWorker({ DATABASE_URL: goodDb() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/AFAS_SYNC_SECRET_KEY: is not set/);
  });

  it('unreachable Temporal: exits non-zero within seconds with one line', async () => {
    const result = await runWorker({
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      AFAS_SYNC_SECRET_KEY: KEY,
      DATABASE_URL: goodDb(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^afas-sync: cannot reach Temporal at 127\.0\.0\.1:1/);
    expect(result.ms).toBeLessThan(20_000);
  });

  it('unreachable PostgreSQL: exits non-zero with one line', async () => {
    const result = await runWorker({
      DATABASE_URL: 'postgres://127.0.0.1:1/afas',
      AFAS_SYNC_SECRET_KEY: KEY,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^afas-sync: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/afas/);
  });

  it('good configuration: starts (creating and migrating its database), and stops cleanly on SIGTERM', async () => {
    const started = Date.now();
    const child = spawn(process.execPath, [`${inject('distDir')}worker.js`], {
      env: {
        PATH: process.env.PATH ?? '',
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: 'worker-process-test',
        DATABASE_URL: goodDb(),
        AFAS_SYNC_SECRET_KEY: KEY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('worker started')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    });
    expect(Date.now() - started).toBeLessThan(60_000);
    const line = output.split('\n').find((l) => l.includes('worker started')) ?? '';
    expect(JSON.parse(line)).toMatchObject({
      level: 30,
      taskQueue: 'worker-process-test',
      msg: 'worker started',
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
