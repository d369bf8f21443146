// `npm run bench:post` end to end at a tiny size (20 entries, FiEntries answering after 50 ms, three
// concurrent calls): the simulator, the Temporal dev server, a worker process, PostgreSQL and the
// `afas-sync post --wait` CLI, so the write-back benchmark cannot rot. Speed is not judged here
// (the pace target is printed, met or MISSED, but not asserted); the test checks the report's
// shape, that the batch was confirmed with every line in journal_lines, and that no entry cost
// more than 1.05 FiEntries calls.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { dropToolDatabase } from '../helpers/tool-database.js';
import type { PostBenchReport } from '../../tools/post/report.js';

const run = promisify(execFile);

describe('npm run bench:post', () => {
  const database = `afas_bench_post_test_${process.pid}`;
  const out = join(tmpdir(), `${database}.json`);

  afterAll(async () => {
    await rm(out, { force: true });
    await dropToolDatabase(database);
  });

  it('posts a generated batch through the CLI, confirms it and reports every figure', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        `${inject('toolsDir')}post/run.js`,
        ...['--entries', '20', '--latency-ms', '50', '--concurrency', '3'],
        ...['--database', database, '--out', out],
      ],
      { env: { ...process.env, BENCH_DATABASE_URL: inject('pgAdminUrl') }, timeout: 170_000 },
    );
    const report = JSON.parse(await readFile(out, 'utf8')) as PostBenchReport;
    expect(report).toMatchObject({
      batch: 'bench-19-20',
      entries: 20,
      latencyMs: 50,
      concurrency: 3,
      callsAllowed: 3,
      status: 'confirmed',
      reason: null,
      entriesPosted: 20,
      cli: { exitCode: 0 },
      problems: [],
    });
    // 2, 3 or 4 lines a third each: 7 of 2, 7 of 3, 6 of 4.
    expect(report.lines).toBe(7 * 2 + 7 * 3 + 6 * 4);
    expect(report.journalLines).toEqual({ expected: report.lines, found: report.lines });
    // No faults: one POST per entry, nothing refused, never more than the source's limit at once.
    expect(report.fiEntries.byMethod).toEqual({ POST: 20 });
    expect(report.fiEntries.refused).toBe(0);
    expect(report.fiEntries.callsPerEntry).toBeLessThanOrEqual(1.05);
    expect(report.fiEntries.maxInFlight).toBeGreaterThanOrEqual(1);
    expect(report.fiEntries.maxInFlight).toBeLessThanOrEqual(3);
    // How long the simulator held each answer is its own test's (test/simulator/write-latency):
    // here the report carries the figure, speed is not judged.
    expect(report.fiEntries.durationMs.p50).toEqual(expect.any(Number));
    expect(report.posting.seconds).toBeGreaterThan(0);
    expect(report.posting.entriesPerSecond).toBeGreaterThan(0);
    expect(report.posting.targetEntriesPerSecond).toBe(48);
    expect(report.confirming.seconds).toBeGreaterThan(0);
    expect(report.confirming.syncStatus).toBe('succeeded');
    expect(report.firstSyncSeconds).toBeGreaterThan(0);
    expect(report.workflowHistoryEvents).toBeGreaterThan(20 * 3);
    expect(report.perEntry.afasMs).toBe(report.fiEntries.durationMs.p50);
    expect(report.perEntry.postEntryActivityMs).toEqual(expect.any(Number));
    expect(report.perEntry.slotMs).toEqual(expect.any(Number));
    expect(report.workflowTasks?.count).toBeGreaterThan(1);
    expect(report.steps['post ok'] ?? 0).toBeGreaterThanOrEqual(20);
    expect(report.targets.map((target) => target.met).slice(1)).toEqual([true, true, true]);
    expect(stdout).toContain('journal lines of the batch          59 of 59');
    expect(stdout).toMatch(/(met|MISSED) +entries\/s ≥ 0\.8 × \(3 ÷ 0\.05 s\) = 48/);
    expect(stdout).toContain('met    FiEntries calls per entry ≤ 1.05');
  }, 180_000);

  it('refuses bad arguments with one line naming the option', async () => {
    const failure = await run(process.execPath, [
      `${inject('toolsDir')}post/run.js`,
      '--concurrency',
      '6',
    ]).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toBe('bench:post: --concurrency must be a whole number from 1 to 5\n');
  });
});
