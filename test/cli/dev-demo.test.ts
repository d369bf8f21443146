// `afas-sync dev --demo`, the README's main command: its own Temporal dev server (persistent
// database), PostgreSQL, the simulator and a worker in one process; one sync; a count table.
// Run twice: the second run reuses the key, the Temporal database and the demo source.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/temporal/dev-server.js';
import { ensureBuilt } from '../helpers/build.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('afas-sync dev --demo', () => {
  let db: TestDatabase;
  let dataDir: string;
  let args: string[];

  beforeAll(async () => {
    [db, dataDir] = await Promise.all([
      createTestDatabase({ migrate: false }),
      mkdtemp(join(tmpdir(), 'afas-sync-dev-')),
      ensureBuilt(),
    ]);
    args = [
      'dev',
      '--demo',
      '--data-dir',
      dataDir,
      '--port',
      String(await freePort()),
      '--ui-port',
      String(await freePort()),
    ];
  });
  afterAll(async () => {
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const demo = () => runCli(args, { env: { DATABASE_URL: db.url }, timeoutMs: 240_000 });

  it('starts everything, syncs the demo source, prints the counts and the Web UI link, exits 0', async () => {
    const result = await demo();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toContain(`generated a new key into ${join(dataDir, 'secret.key')} (mode 0600)`);
    expect(result.stdout).toMatch(/source\s+demo \(registered; schedule every 15m\)/);
    expect(result.stdout).toMatch(/sync succeeded: [\d,]+ rows inserted/);
    expect(result.stdout).toMatch(/journal_lines\s+12,000\s+0\s+12,000\s+0/);
    expect(result.stdout).toMatch(/total\s+[\d,]+\s+0\s+[\d,]+\s+0/);
    expect(result.stdout).toMatch(
      /http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/afas-sync%2Fdemo\/[0-9a-f-]{36}\/history/,
    );
    expect(result.stdout).toContain(`node bin/afas-sync.js dev --data-dir ${dataDir} --port`);
    expect((await stat(join(dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'temporal.db'))).size).toBeGreaterThan(0);
    const count = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM afas.journal_lines WHERE _source = 'demo'`,
    );
    expect(Number(count.rows[0]?.n)).toBe(12_000);
  });

  it('runs again on the same data: same key, demo source updated, nothing new to write', async () => {
    const result = await demo();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).not.toContain('generated a new key');
    expect(result.stdout).toMatch(/source\s+demo \(updated; schedule every 15m\)/);
    expect(result.stdout).toMatch(/sync succeeded: 0 rows inserted, 0 updated, 0 deleted/);
    expect(result.stdout).toMatch(/journal_lines\s+12,000\s+0\s+0\s+0/);
    const runs = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM afas.sync_runs WHERE source = 'demo' AND kind = 'sync'`,
    );
    expect(Number(runs.rows[0]?.n)).toBe(2);
  });
});
