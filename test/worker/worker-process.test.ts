import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  // Every other variable: exit code 2 at once, exactly one line naming it, no secret echoed.
  const previousKeySecret = 'previous-key-material-that-must-not-be-echoed';
  it.each([
    ['TEMPORAL_ADDRESS', 'localhost', 'TEMPORAL_ADDRESS: must be host:port (got "localhost")'],
    ['TEMPORAL_NAMESPACE', 'no spaces allowed', 'TEMPORAL_NAMESPACE: must be a namespace name'],
    ['TEMPORAL_TASK_QUEUE', 'queue;drop', 'TEMPORAL_TASK_QUEUE: must be a task queue name'],
    [
      'AFAS_SYNC_DB_SCHEMA',
      'afas"; drop schema afas; --',
      'AFAS_SYNC_DB_SCHEMA: must be a lower-case SQL identifier',
    ],
    [
      'AFAS_SYNC_PREVIOUS_SECRET_KEYS',
      `${'33'.repeat(32)},${previousKeySecret}`,
      'AFAS_SYNC_PREVIOUS_SECRET_KEYS: must be a 256-bit key: 64 hex characters or 32 bytes in base64 (generate one with `openssl rand -hex 32`)',
    ],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal'],
    ['LOG_FORMAT', 'xml', 'LOG_FORMAT: must be json or pretty'],
    ['METRICS_PORT', '70000', 'METRICS_PORT: must be a whole number from 1 to 65535'],
    ['METRICS_PORT', '9090abc', 'METRICS_PORT: must be a whole number from 1 to 65535'],
    [
      'AFAS_SYNC_SHUTDOWN_GRACE_SECONDS',
      '-5',
      'AFAS_SYNC_SHUTDOWN_GRACE_SECONDS: must be a whole number from 0 to 3600',
    ],
    [
      'AFAS_SYNC_MAX_CONCURRENT_ACTIVITIES',
      '0',
      'AFAS_SYNC_MAX_CONCURRENT_ACTIVITIES: must be a whole number from 1 to 200',
    ],
    ['AFAS_SYNC_DB_POOL_SIZE', '1', 'AFAS_SYNC_DB_POOL_SIZE: must be a whole number from 2 to 1000'],
    [
      'AFAS_SYNC_HEAP_GROWING_PERCENT',
      '500',
      'AFAS_SYNC_HEAP_GROWING_PERCENT: must be a whole number from 0 to 300',
    ],
    [
      'DATABASE_URL',
      'mysql://root:hunter2@db:3306/afas',
      'DATABASE_URL: must start with postgres:// (got mysql://)',
    ],
  ])('%s=%j: exits 2 at once with one line naming it', async (variable, value, message) => {
    const result = await runWorker({
      DATABASE_URL: goodDb(),
      AFAS_SYNC_SECRET_KEY: KEY,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      [variable]: value,
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([`afas-sync: ${message}`]);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toContain(previousKeySecret);
    expect(result.ms).toBeLessThan(10_000);
  });

  it('METRICS_PORT already in use: exits 2 with one line naming it', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const result = await runWorker({
        DATABASE_URL: goodDb(),
        AFAS_SYNC_SECRET_KEY: KEY,
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        METRICS_PORT: String(port),
      });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        `afas-sync: METRICS_PORT: port ${port} is already in use`,
      ]);
    } finally {
      server.close();
    }
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
