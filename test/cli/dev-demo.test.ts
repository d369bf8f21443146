// `afas-sync dev --demo`, the README's main command: its own Temporal dev server (persistent
// database), PostgreSQL, the simulator and a worker in one process; one sync, a small historical
// import (the last two years), a count table. Run twice: the second run reuses the key, the
// Temporal database and the demo source.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentAmsterdamYear } from '../../src/cli/parse.js';
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
  const year = currentAmsterdamYear();
  /** 2 administrations × 2 years × (12 periods + "other periods"); 2,000 lines per administration-year. */
  const importFigures =
    /^import succeeded: 52\/52 partitions, 8,000 rows in \d+:\d\d, ([\d,]+) rows\/s; journal-line watermark set to \S+$/m;

  function expectImport(stdout: string): void {
    expect(stdout).toContain(
      `importing the history of "demo": ${year - 1}–${year}, one partition per administration, year and period, 4 at a time (workflow afas-import/demo) …`,
    );
    // Off a terminal: plain progress lines, never a redrawn bar.
    expect(stdout).toMatch(
      /^import demo: \d+\/52 partitions, [\d,]+ rows, (-|[\d,]+) rows\/s, ETA (-|\d+:\d\d)/m,
    );
    expect(stdout).not.toContain('\u001b[');
    const figures = importFigures.exec(stdout);
    expect(figures, stdout).not.toBeNull();
    expect(Number(figures?.[1]?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(stdout).toMatch(
      /http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/afas-import%2Fdemo\/[0-9a-f-]{36}\/history/,
    );
  }

  it('starts everything, syncs and imports the demo source, prints the counts and the Web UI links, exits 0', async () => {
    const result = await demo();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toContain(`generated a new key into ${join(dataDir, 'secret.key')} (mode 0600)`);
    expect(result.stdout).toMatch(
      /source\s+demo \(registered; schedule every 15m; OAuth client afas-sync-demo\)/,
    );
    expect(result.stdout).toMatch(/sync succeeded: [\d,]+ rows inserted/);
    expectImport(result.stdout);
    expect(result.stdout).toMatch(
      /dataset\s+rows\s+deleted\s+inserted \(sync\)\s+updated \(sync\)\s+read \(import\)/,
    );
    expect(result.stdout).toMatch(/journal_lines\s+12,000\s+0\s+12,000\s+0\s+8,000/);
    expect(result.stdout).toMatch(/debtors\s+250\s+0\s+250\s+0\s+-/);
    expect(result.stdout).toMatch(/total\s+[\d,]+\s+0\s+[\d,]+\s+0\s+8,000/);
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
    // The demo source authenticates as an OAuth client, as sources should before classic tokens end.
    const demoRow = await db.pool.query(
      `SELECT credential_kind, oauth_client_id FROM afas.sources WHERE name = 'demo'`,
    );
    expect(demoRow.rows).toEqual([{ credential_kind: 'oauth', oauth_client_id: 'afas-sync-demo' }]);
  });

  it('runs again on the same data: same key, demo source updated, nothing new to write', async () => {
    const result = await demo();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).not.toContain('generated a new key');
    expect(result.stdout).toMatch(
      /source\s+demo \(updated; schedule every 15m; OAuth client afas-sync-demo\)/,
    );
    expect(result.stdout).toMatch(/sync succeeded: 0 rows inserted, 0 updated, 0 deleted/);
    expectImport(result.stdout);
    expect(result.stdout).toMatch(/journal_lines\s+12,000\s+0\s+0\s+0\s+8,000/);
    const runs = await db.pool.query<{ kind: string; n: string }>(
      `SELECT kind, count(*) AS n FROM afas.sync_runs WHERE source = 'demo' AND status = 'succeeded' GROUP BY kind ORDER BY kind`,
    );
    expect(runs.rows.map((row) => [row.kind, Number(row.n)])).toEqual([
      ['import', 2],
      ['sync', 2],
    ]);
  });
});
