// bench:fleet's pure parts: its arguments, percentiles, and how it judges the targets of issue 17
// point 2 (a run that broke one must say MISSED).
import { describe, expect, it } from 'vitest';
import { ToolArgsError } from '../../tools/args.js';
import { parseFleetArgs, parseInterval } from '../../tools/fleet/options.js';
import {
  formatFleetReport,
  judge,
  percentile,
  scheduleToDone,
  startJitter,
  type FleetReport,
} from '../../tools/fleet/report.js';

function clean(): Omit<FleetReport, 'targets'> {
  const times = { p50: 1, p95: 2, max: 3 };
  return {
    sources: 4,
    workers: 2,
    intervalSeconds: 8,
    rounds: 3,
    sizes: [20, 60],
    f0: { source: 'fleet-002', seconds: 1 },
    f1: {
      seconds: 2,
      journalLines: 520,
      rowsInserted: 2_000,
      journalLinesPerSecond: 260,
      rowsPerSecond: 1_000,
    },
    f2: {
      syncs: 12,
      skippedTicks: 0,
      syncsPerMinute: 30,
      scheduleToDone: times,
      startJitter: { p50: 0.4, max: 0.8 },
    },
    f3: { syncs: 4, seconds: 9, killAfterTickMs: 500, syncsRunningAtKill: 3, scheduleToDone: times },
    historyEvents: { perSyncMean: 100, perSyncMax: 200, runs: 21 },
    afasConcurrency: { max: 2, overLimit: [] },
    postgres: { maxConnections: 10, poolSize: 6, bound: 12, serverMaxConnections: 100 },
    workerPeakRssMb: [200, 210],
    workerStarts: [2, 1],
    failed: [],
    stuck: [],
    inexact: [],
    rowsVerified: 3_000,
    at: '2026-12-06T07:00:00.000Z',
  };
}

const verdicts = (report: Omit<FleetReport, 'targets'>) => judge(report).map((target) => target.met);

describe('judge', () => {
  it('meets every target on a clean run', () => {
    expect(verdicts(clean())).toEqual([true, true, true, true, true]);
  });

  it('misses each target its figure breaks', () => {
    expect(verdicts({ ...clean(), inexact: [{ source: 'fleet-001', mismatches: ['x'] }] })).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(verdicts({ ...clean(), failed: [{ source: 'a', phase: 'f2', problem: 'failed' }] })[0]).toBe(
      false,
    );
    expect(verdicts({ ...clean(), stuck: ['a'] })[0]).toBe(false);
    const slow = clean();
    slow.f2.scheduleToDone = { p50: 1, p95: 4.01, max: 5 };
    expect(verdicts(slow)[1]).toBe(false);
    expect(
      verdicts({
        ...clean(),
        afasConcurrency: { max: 4, overLimit: [{ source: 'a', limit: 3, max: 4 }] },
      })[2],
    ).toBe(false);
    expect(verdicts({ ...clean(), postgres: { ...clean().postgres, maxConnections: 13 } })[3]).toBe(false);
    expect(verdicts({ ...clean(), postgres: { ...clean().postgres, serverMaxConnections: 12 } })[3]).toBe(
      false,
    );
  });

  it('does not judge f3 when the kill hit no running sync', () => {
    const idle = clean();
    idle.f3.syncsRunningAtKill = 0;
    expect(verdicts(idle)[4]).toBeNull();
    expect(formatFleetReport({ ...idle, targets: judge(idle) })).toContain(
      'n/a    f3 loses and duplicates nothing (no sync was running when the worker was killed)',
    );
  });
});

describe('figures', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 20 }, (_, index) => index + 1);
    expect([percentile(values, 0.5), percentile(values, 0.95), percentile(values, 1)]).toEqual([10, 19, 20]);
    expect(percentile([], 0.5)).toBe(0);
  });

  it('counts schedule-to-done only for ticks that ran and are done, from the start after the jitter', () => {
    const tick = (outcome: string, doneAtMs: number | undefined, jitterMs = 0) => ({
      source: 'a',
      nominalAtMs: 0,
      scheduledAtMs: jitterMs,
      doneAtMs,
      workflowStatus: 'COMPLETED',
      outcome,
      error: null,
    });
    expect(
      scheduleToDone([tick('succeeded', 2_000), tick('skipped', 60_000), tick('running', undefined)]),
    ).toEqual({ p50: 2, p95: 2, max: 2 });
    // 30 s of jitter, then a 1.5 s sync: 1.5 s to done, and the jitter reported apart.
    const late = [tick('succeeded', 31_500, 30_000), tick('succeeded', 2_000, 500)];
    expect(scheduleToDone(late)).toEqual({ p50: 1.5, p95: 1.5, max: 1.5 });
    expect(startJitter(late)).toEqual({ p50: 0.5, max: 30 });
  });
});

describe('parseFleetArgs', () => {
  it('takes the defaults of issue 17 and scaled-down intervals', () => {
    const options = parseFleetArgs(['--sources', '10']);
    expect([options.workers, options.intervalSeconds, options.rounds]).toEqual([2, 600, 3]);
    expect(parseInterval('90s')).toBe(90);
    expect(parseInterval('1h')).toBe(3_600);
  });

  it('names the option that is wrong', () => {
    const message = (argv: string[]) => {
      try {
        parseFleetArgs(argv);
        return null;
      } catch (error) {
        return error instanceof ToolArgsError ? error.message : String(error);
      }
    };
    expect(message([])).toBe('--sources is required (e.g. --sources 10)');
    expect(message(['--sources', '4', '--rounds', '2'])).toBe(
      '--rounds must be a whole number from 3 to 100',
    );
    expect(message(['--sources', '4', '--interval', '2s'])).toBe(
      '--interval must be a duration from 5s to 24h, e.g. 10m, 90s or 30',
    );
    expect(message(['--sources', '4', '--sizes', '10,x'])).toBe(
      '--sizes must be a comma-separated list of whole numbers from 2 to 1000000',
    );
    expect(message(['--sources', '4', '--limits', '6'])).toBe(
      '--limits must be a comma-separated list of whole numbers from 1 to 5',
    );
  });
});
