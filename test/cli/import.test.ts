// `afas-sync import` through the real binary: a worker subprocess, Temporal, PostgreSQL and the
// simulator. Start and follow (plain lines off a terminal), status as JSON and text, attach,
// pause, concurrency, resume, cancel, and a restart that resumes the cancelled import.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { currentAmsterdamYear } from '../../src/cli/parse.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { freePort } from '../../src/temporal/dev-server.js';
import type { ImportStatusReport } from '../../src/cli/commands/import.js';
import { ensureBuilt } from '../helpers/build.js';
import { errorLines, runCli, sourceAddArgs, spawnCli, type CliProcess } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SimControl } from '../helpers/simulator.js';

const TOKEN = `cliImportToken${randomBytes(8).toString('hex')}`;
const SOURCE = `imp-${randomBytes(3).toString('hex')}`;
const THIS_YEAR = currentAmsterdamYear();
const ADMINISTRATIONS = 2;
const LINES_PER_YEAR = 400;
/** Twelve periods plus one "other periods" partition per administration and year. */
const PARTITIONS_PER_YEAR = ADMINISTRATIONS * 13;

/** JSON dates arrive as strings. */
type StatusJson = Omit<ImportStatusReport, 'lastImport' | 'lastRun'> & {
  lastImport:
    (Omit<NonNullable<ImportStatusReport['lastImport']>, 'startedAt'> & { startedAt: string }) | null;
  lastRun: { runId: string; kind: string; status: string } | null;
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function exitOf(process: CliProcess, timeoutMs = 90_000): Promise<number | null> {
  const { child } = process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still running: ${process.output().slice(-2_000)}`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('afas-sync import against Temporal, PostgreSQL and the simulator', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let control: SimControl;
  let worker: CliProcess;
  let env: Record<string, string>;

  const cli = (args: string[], input?: string) => runCli(args, { env, input });
  const status = async (): Promise<StatusJson> => {
    const result = await cli(['import', 'status', SOURCE, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as StatusJson;
  };
  /** Journal lines of the source in PostgreSQL and in the simulator, from `fromYear` on. */
  const lineCounts = async (fromYear: number) => {
    const table = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM afas.journal_lines WHERE _source = $1 AND "Year" >= $2 AND _deleted_at IS NULL`,
      [SOURCE, fromYear],
    );
    const exported = (await control.export('Profit_Transactions')).filter(
      (row) => Number(row.Year) >= fromYear,
    ).length;
    return { table: Number(table.rows[0]?.n), simulator: exported };
  };

  beforeAll(async () => {
    [db, sim] = await Promise.all([
      createTestDatabase(),
      startSimulator({
        seed: 7,
        administrations: ADMINISTRATIONS,
        years: [THIS_YEAR - 2, THIS_YEAR - 1, THIS_YEAR],
        linesPerYear: LINES_PER_YEAR,
        control: true,
        tokens: [{ token: TOKEN, appName: 'cli import test' }],
      }),
      ensureBuilt(),
    ]);
    control = new SimControl(sim.url);
    const metricsPort = await freePort();
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `cli-import-${randomBytes(4).toString('hex')}`,
      AFAS_SYNC_SECRET_KEY: randomBytes(32).toString('hex'),
    };
    worker = spawnCli(['worker'], { ...env, METRICS_PORT: String(metricsPort) });
    await until('the worker to be ready', async () => {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/readyz`);
      return response.status === 200 ? true : undefined;
    });
    const added = await cli([...sourceAddArgs(SOURCE, sim.baseUrl), '--skip-check', '--token-stdin'], TOKEN);
    expect(added.code, added.stderr).toBe(0);
  });

  afterAll(async () => {
    await control?.clearFaults().catch(() => undefined);
    const code = await worker?.stop();
    await sim?.close();
    await db?.drop();
    expect(code).toBe(0);
  });

  it('says so when the source has no import yet, and refuses to control one', async () => {
    const text = await cli(['import', 'status', SOURCE]);
    expect(text.code).toBe(0);
    expect(text.stdout.trim()).toBe(
      `no historical import of "${SOURCE}" yet (start one with \`afas-sync import ${SOURCE} --from-year <year>\`)`,
    );
    const json = await status();
    expect(json).toMatchObject({
      source: SOURCE,
      execution: null,
      progress: null,
      lastImport: null,
      lastRun: null,
    });
    for (const args of [
      ['import', 'pause', SOURCE],
      ['import', 'concurrency', SOURCE, '2'],
    ]) {
      const result = await cli(args);
      expect(result.code).toBe(1);
      expect(errorLines(result)).toEqual([
        `afas-sync: no historical import of "${SOURCE}" is running; start one with \`afas-sync import ${SOURCE} --from-year <year>\``,
      ]);
    }
  });

  it('imports with --wait off a terminal: plain progress lines, a summary, exit 0, the rows in PostgreSQL', async () => {
    const fromYear = THIS_YEAR - 1;
    const result = await cli([
      'import',
      SOURCE,
      '--from-year',
      String(fromYear),
      '--concurrency',
      '3',
      '--wait',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^started the historical import of "${SOURCE}", ${fromYear} to this year \\(workflow afas-import/${SOURCE}, run [0-9a-f-]{36}\\)$`,
      ),
    );
    const total = 2 * PARTITIONS_PER_YEAR;
    const progress = lines.filter((line) =>
      new RegExp(
        `^import ${SOURCE}: \\d+/${total} partitions, [\\d,]+ rows, (-|[\\d,]+) rows/s, ETA (-|\\d+:\\d\\d)`,
      ).test(line),
    );
    expect(progress.length, result.stdout).toBeGreaterThanOrEqual(1);
    // Never a bar or cursor movement into a pipe.
    expect(result.stdout).not.toContain('\r');
    expect(result.stdout).not.toContain('\u001b[');
    const rows = 2 * ADMINISTRATIONS * LINES_PER_YEAR;
    expect(result.stdout).toMatch(/^status\s+succeeded after \d+:\d\d$/m);
    expect(result.stdout).toMatch(new RegExp(`^partitions\\s+${total}/${total} done$`, 'm'));
    expect(result.stdout).toMatch(
      new RegExp(`^rows\\s+${rows.toLocaleString('en-US')}, [\\d,]+ rows/s$`, 'm'),
    );
    expect(result.stdout).toMatch(
      /^watermark\s+set to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d: the next sync reads journal-line changes from there$/m,
    );
    expect(result.stdout).toMatch(
      new RegExp(`^run\\s+[0-9a-f-]{36} \\(afas-sync runs ${SOURCE} --run [0-9a-f-]{36}\\)$`, 'm'),
    );
    const counts = await lineCounts(fromYear);
    expect(counts.table).toBe(rows);
    expect(counts.table).toBe(counts.simulator);
    expect((await lineCounts(THIS_YEAR - 2)).table).toBe(rows); // nothing before --from-year
  });

  it('reports status as JSON with consistent figures, and as text', async () => {
    const report = await status();
    const total = 2 * PARTITIONS_PER_YEAR;
    const rows = 2 * ADMINISTRATIONS * LINES_PER_YEAR;
    expect(report).toMatchObject({
      source: SOURCE,
      workflowId: `afas-import/${SOURCE}`,
      execution: 'COMPLETED',
      progressUnavailable: null,
      progress: {
        phase: 'done',
        status: 'succeeded',
        paused: false,
        concurrency: 3,
        fromYear: THIS_YEAR - 1,
        toYear: THIS_YEAR,
        datasets: ['journal_lines'],
        administrations: [1, 2],
        partitions: { total, done: total, running: 0, failed: 0, pending: 0 },
        rows,
        rowsThisAttempt: rows,
        etaSeconds: 0,
        runningPartitions: [],
      },
      lastImport: {
        status: 'succeeded',
        fromYear: THIS_YEAR - 1,
        toYear: THIS_YEAR,
        attempts: 1,
        partitions: { total, done: total, failed: 0, pending: 0, running: 0, rows },
      },
      lastRun: { kind: 'import', status: 'succeeded' },
    });
    const { progress, lastImport, lastRun } = report;
    expect(progress?.importId).toBe(lastImport?.importId);
    expect(progress?.runId).toBe(lastRun?.runId);
    expect(progress?.startWatermark).toBe(lastImport?.startWatermark);
    expect(progress?.rowsPerSecond).toBeGreaterThan(0);
    expect(report.workers.pollers).toBeGreaterThanOrEqual(1);

    const text = await cli(['import', 'status', SOURCE]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(
        `^import\\s+succeeded, phase done, ${THIS_YEAR - 1}–${THIS_YEAR} \\(journal_lines\\); workflow afas-import/${SOURCE} completed$`,
        'm',
      ),
    );
    expect(text.stdout).toMatch(
      new RegExp(
        `^progress\\s+${total}/${total} partitions, ${rows.toLocaleString('en-US')} rows, [\\d,]+ rows/s, ETA 0:00, done$`,
        'm',
      ),
    );
    expect(text.stdout).toMatch(
      /^watermark\s+\S+: the next sync reads journal-line changes made since then$/m,
    );
  });

  it('attaches, pauses, changes concurrency, resumes and cancels through the CLI; a new start resumes', async () => {
    const fromYear = THIS_YEAR - 2;
    const total = 3 * PARTITIONS_PER_YEAR;
    // Every AFAS call on the journal-line connector answers after 500 ms: the import lasts.
    await control.fault({ kind: 'slow', connector: 'Profit_Transactions', delayMs: 500 });
    const follower = spawnCli(
      ['import', SOURCE, '--from-year', String(fromYear), '--concurrency', '1', '--wait'],
      env,
    );
    try {
      await until('two partitions done', async () => {
        const { progress } = await status();
        return progress?.fromYear === fromYear &&
          progress.phase === 'importing' &&
          progress.partitions.done >= 2
          ? true
          : undefined;
      });

      const attached = await cli(['import', SOURCE, '--from-year', String(THIS_YEAR), '--concurrency', '2']);
      expect(attached.code, attached.stderr).toBe(0);
      expect(attached.stdout).toContain(`attached to the historical import of "${SOURCE}" already running`);
      expect(attached.stdout).toContain(`import of "${SOURCE}": concurrency set to 2`);
      expect(errorLines(attached)).toEqual([
        `note: the running import keeps its own years (${fromYear}–${THIS_YEAR}); cancel it first (\`afas-sync import cancel ${SOURCE}\`) to import others`,
      ]);

      const paused = await cli(['import', 'pause', SOURCE]);
      expect(paused.code, paused.stderr).toBe(0);
      expect(paused.stdout).toMatch(new RegExp(`^import of "${SOURCE}" paused: `));
      const idle = await until('the import to be paused and idle', async () => {
        const { progress } = await status();
        return progress?.paused && progress.partitions.running === 0 ? progress : undefined;
      });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const still = await status();
      expect(still.progress?.partitions.done).toBe(idle.partitions.done);
      expect(still.progress?.concurrency).toBe(2);
      const text = await cli(['import', 'status', SOURCE]);
      expect(text.stdout).toMatch(/^import\s+running \(PAUSED\), phase importing/m);
      expect(text.stdout).toMatch(
        /^progress\s+\d+\/78 partitions, .*, - rows\/s, ETA -, PAUSED, \d+ pending$/m,
      );

      const concurrency = await cli(['import', 'concurrency', SOURCE, '3']);
      expect(concurrency.code, concurrency.stderr).toBe(0);
      expect(concurrency.stdout.trim()).toBe(`import of "${SOURCE}": concurrency set to 3`);

      const resumed = await cli(['import', 'resume', SOURCE]);
      expect(resumed.code).toBe(0);
      expect(resumed.stdout.trim()).toBe(`import of "${SOURCE}" resumed`);
      await until('the import to move again', async () => {
        const { progress } = await status();
        return progress &&
          !progress.paused &&
          progress.concurrency === 3 &&
          progress.partitions.done > idle.partitions.done
          ? true
          : undefined;
      });

      const cancelled = await cli(['import', 'cancel', SOURCE]);
      expect(cancelled.code).toBe(0);
      expect(cancelled.stdout.trim()).toBe(
        `cancelling the import of "${SOURCE}": running partitions stop at their next heartbeat; committed partitions stay and ` +
          `\`afas-sync import ${SOURCE} --from-year ${fromYear}\` resumes the rest`,
      );
      expect(await exitOf(follower)).toBe(1);
    } finally {
      await control.clearFaults();
      await follower.stop();
    }
    const followed = follower.output();
    expect(followed).toMatch(new RegExp(`^import ${SOURCE}: \\d+/${total} partitions, .*PAUSED$`, 'm'));
    expect(followed).toMatch(/^status\s+cancelled after \d+:\d\d$/m);
    expect(followed).toMatch(/^watermark\s+not set: the import did not complete$/m);
    expect(followed).toContain(
      `afas-sync: import of "${SOURCE}" cancelled: committed partitions stay; \`afas-sync import ${SOURCE} --from-year ${fromYear}\` resumes the rest\n`,
    );

    const after = await status();
    expect(after).toMatchObject({
      execution: 'CANCELLED',
      progress: { status: 'cancelled', phase: 'cancelled' },
      lastImport: { status: 'cancelled', fromYear, toYear: THIS_YEAR },
      lastRun: { kind: 'import', status: 'cancelled' },
    });
    const doneBefore = after.lastImport?.partitions.done ?? 0;
    expect(doneBefore).toBeGreaterThan(2);
    expect(doneBefore).toBeLessThan(total);
    const pause = await cli(['import', 'pause', SOURCE]);
    expect(pause.code).toBe(1);
    expect(errorLines(pause)).toEqual([
      `afas-sync: no historical import of "${SOURCE}" is running (the last one is cancelled); start one with \`afas-sync import ${SOURCE} --from-year <year>\``,
    ]);

    const again = await cli([
      'import',
      SOURCE,
      '--from-year',
      String(fromYear),
      '--to-year',
      String(THIS_YEAR),
      '--wait',
    ]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^partitions\\s+${total}/${total} done$`, 'm'));
    const rows = 3 * ADMINISTRATIONS * LINES_PER_YEAR;
    // The partitions done before the cancel were not read again.
    const thisAttempt = new RegExp(
      `^rows\\s+${rows.toLocaleString('en-US')} \\(([\\d,]+) this attempt\\), [\\d,]+ rows/s$`,
      'm',
    ).exec(again.stdout);
    expect(thisAttempt, again.stdout).not.toBeNull();
    expect(Number(thisAttempt?.[1]?.replace(/,/g, ''))).toBeLessThan(rows);
    const resumedReport = await status();
    expect(resumedReport.lastImport).toMatchObject({ status: 'succeeded', attempts: 2 });
    const counts = await lineCounts(fromYear);
    expect(counts.table).toBe(rows);
    expect(counts.table).toBe(counts.simulator);
  });
});
