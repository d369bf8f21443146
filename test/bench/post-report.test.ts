// bench:post's pure parts: the batch it generates (valid by the product's own format and balance
// rules), how calls in flight are counted from the simulator's log, and how it judges the targets
// of issue 19 point 10 (a run that broke one must say MISSED).
import { describe, expect, it } from 'vitest';
import { parseBatch } from '../../src/write-back/batch-format.js';
import { batchProblems } from '../../src/write-back/batch-rules.js';
import { ToolArgsError } from '../../tools/args.js';
import { workflowTaskTimes } from '../../tools/bench/history-profile.js';
import { generateBatch, type AdministrationChoices } from '../../tools/post/batch.js';
import { fiEntriesFigures, maxOverlap, otherCallsWhilePosting } from '../../tools/post/measure.js';
import { parsePostBenchArgs } from '../../tools/post/options.js';
import { formatPostReport, judge, paceTarget, type PostBenchReport } from '../../tools/post/report.js';
import type { LoggedCall } from '../../tools/soak/simulator-control.js';

const choices: AdministrationChoices[] = [
  {
    administration: 1,
    journal: '90',
    dates: ['2026-11-30', '2026-12-01'],
    accounts: [
      { account: '4000', allocations: [{ axis: '1', code: '100' }] },
      { account: '1600', allocations: [] },
      { account: '1700', allocations: [] },
      { account: '8000', allocations: [{ axis: '2', code: 'KD01' }] },
      { account: '4200', allocations: [] },
    ],
  },
  { administration: 2, journal: '91', dates: ['2026-10-31'], accounts: [] },
  {
    administration: 3,
    journal: '90',
    dates: ['2026-11-15'],
    accounts: ['1000', '1100', '1200', '1300'].map((account) => ({ account, allocations: [] })),
  },
];

describe('bench:post batch', () => {
  const batch = generateBatch(choices, 'bench-19-300', 300, 19);

  it('passes the batch format and balances every entry exactly', () => {
    const parsed = parseBatch(JSON.stringify(batch));
    expect(batchProblems(parsed)).toEqual([]);
    expect(parsed.entries).toHaveLength(300);
    expect(parsed.batch).toBe('bench-19-300');
  });

  it('makes entries of 2, 3 and 4 lines on distinct accounts, a third each', () => {
    const sizes = batch.entries.map((entry) => entry.lines.length);
    expect([2, 3, 4].map((size) => sizes.filter((n) => n === size).length)).toEqual([100, 100, 100]);
    for (const entry of batch.entries)
      expect(new Set(entry.lines.map((line) => line.account)).size).toBe(entry.lines.length);
  });

  it('uses only what an administration offers, and skips one without bookable accounts', () => {
    const byAdministration = new Map(choices.map((choice) => [choice.administration, choice]));
    expect(new Set(batch.entries.map((entry) => entry.administration))).toEqual(new Set([1, 3]));
    for (const entry of batch.entries) {
      const choice = byAdministration.get(entry.administration) as AdministrationChoices;
      expect(entry.journal).toBe(choice.journal);
      expect(choice.dates).toContain(entry.date);
      for (const line of entry.lines) {
        const account = choice.accounts.find((candidate) => candidate.account === line.account);
        expect(account).toBeDefined();
        // The allocation an account requires travels with every line on it.
        expect(line.allocations ?? []).toEqual(account?.allocations);
      }
    }
  });

  it('is the same batch for the same seed, another for another', () => {
    expect(generateBatch(choices, 'b', 50, 19)).toEqual(generateBatch(choices, 'b', 50, 19));
    expect(generateBatch(choices, 'b', 50, 20)).not.toEqual(generateBatch(choices, 'b', 50, 19));
  });

  it('refuses to generate from data without an open day and four accounts', () => {
    expect(() => generateBatch([choices[1] as AdministrationChoices], 'b', 5, 1)).toThrow(
      /no administration has an open booking day and four bookable accounts/,
    );
  });
});

const call = (at: number, durationMs: number, extra: Partial<LoggedCall> = {}): LoggedCall => ({
  seq: at,
  timestamp: new Date(Date.UTC(2026, 11, 6, 12) + at).toISOString(),
  method: 'POST',
  path: '/ProfitRestServices/connectors/FiEntries',
  connector: 'FiEntries',
  status: 201,
  durationMs,
  fault: null,
  ...extra,
});

describe('bench:post calls', () => {
  it('counts calls in flight at once; one that ends as the next starts does not overlap it', () => {
    expect(maxOverlap([])).toBe(0);
    expect(
      maxOverlap([
        { start: 0, end: 200 },
        { start: 200, end: 400 },
      ]),
    ).toBe(1);
    expect(
      maxOverlap([
        { start: 0, end: 200 },
        { start: 100, end: 300 },
        { start: 150, end: 160 },
        { start: 250, end: 260 },
      ]),
    ).toBe(3);
  });

  it('sums up the FiEntries calls: methods, refusals, span', () => {
    const figures = fiEntriesFigures([
      call(0, 200),
      call(50, 210),
      call(300, 200, { method: 'DELETE', status: 500 }),
    ]);
    expect(figures).toEqual({
      calls: 3,
      byMethod: { POST: 2, DELETE: 1 },
      refused: 1,
      maxInFlight: 2,
      durationMs: { p50: 200, max: 210 },
      spanSeconds: 0.5,
    });
  });

  it("lists other calls up to posted_at only (the confirming sync's come after)", () => {
    const postedAt = new Date(Date.UTC(2026, 11, 6, 12) + 1_000);
    const lookup = { method: 'GET', connector: 'Profit_Transactions' };
    expect(
      otherCallsWhilePosting(
        [
          call(0, 200),
          call(10, 5, lookup),
          call(2_000, 5, lookup),
          call(20, 5, { ...lookup, connector: null, path: '/metainfo' }),
        ],
        postedAt,
      ),
    ).toEqual({ 'GET Profit_Transactions': 1, 'GET /metainfo': 1 });
  });
});

describe('bench:post workflow tasks', () => {
  type Events = Parameters<typeof workflowTaskTimes>[0];
  const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

  it('means how long each workflow task waited for a worker and ran on it', () => {
    const events = [
      { eventId: 1, eventTime: at(1_000), workflowExecutionStartedEventAttributes: {} },
      { eventId: 2, eventTime: at(1_000), workflowTaskScheduledEventAttributes: {} },
      { eventId: 3, eventTime: at(1_004), workflowTaskStartedEventAttributes: { scheduledEventId: 2 } },
      { eventId: 4, eventTime: at(1_034), workflowTaskCompletedEventAttributes: { startedEventId: 3 } },
      { eventId: 5, eventTime: at(1_500), workflowTaskScheduledEventAttributes: {} },
      { eventId: 6, eventTime: at(1_502), workflowTaskStartedEventAttributes: { scheduledEventId: 5 } },
      { eventId: 7, eventTime: at(1_512), workflowTaskCompletedEventAttributes: { startedEventId: 6 } },
      // Scheduled and started but never completed (the worker died): not counted.
      { eventId: 8, eventTime: at(2_000), workflowTaskScheduledEventAttributes: {} },
      { eventId: 9, eventTime: at(2_100), workflowTaskStartedEventAttributes: { scheduledEventId: 8 } },
    ] as unknown as Events;
    expect(workflowTaskTimes(events)).toEqual({ count: 2, waitMs: 3, runMs: 20 });
  });
});

function clean(): Omit<PostBenchReport, 'targets'> {
  return {
    batch: 'bench-19-1000',
    entries: 1000,
    lines: 3000,
    latencyMs: 200,
    concurrency: 5,
    callsAllowed: 5,
    firstSyncSeconds: 2,
    cli: { exitCode: 0, seconds: 60 },
    status: 'confirmed',
    reason: null,
    entriesPosted: 1000,
    posting: { seconds: 45, entriesPerSecond: 22.22, targetEntriesPerSecond: 20 },
    fiEntries: {
      calls: 1000,
      byMethod: { POST: 1000 },
      refused: 0,
      maxInFlight: 5,
      durationMs: { p50: 201, max: 230 },
      spanSeconds: 44,
      callsPerEntry: 1,
    },
    otherCallsWhilePosting: {},
    confirming: { seconds: 8, syncSeconds: 7, syncStatus: 'succeeded' },
    journalLines: { expected: 3000, found: 3000 },
    steps: { 'post ok': 1000 },
    perEntry: { slotMs: 225, afasMs: 201, postEntryActivityMs: 215 },
    workflowHistoryEvents: 6000,
    workflowTasks: { count: 900, waitMs: 5, runMs: 20 },
    problems: [],
    at: '2026-12-06T16:00:00.000Z',
  };
}

describe('bench:post targets', () => {
  const verdicts = (report: Omit<PostBenchReport, 'targets'>) => judge(report).map((target) => target.met);

  it('the pace target is 0.8 × calls allowed ÷ latency, none without latency', () => {
    expect(paceTarget(5, 200)).toBe(20);
    expect(paceTarget(2, 50)).toBe(32);
    expect(paceTarget(5, 0)).toBeNull();
  });

  it('meets every target on a clean run', () => {
    expect(verdicts(clean())).toEqual([true, true, true, true]);
    expect(formatPostReport({ ...clean(), targets: judge(clean()) })).toContain(
      'met    entries/s ≥ 0.8 × (5 ÷ 0.2 s) = 20',
    );
  });

  it('says MISSED for each broken target', () => {
    const slow = clean();
    slow.posting.entriesPerSecond = 19.99;
    expect(verdicts(slow)[0]).toBe(false);
    expect(formatPostReport({ ...slow, targets: judge(slow) })).toContain(
      'MISSED entries/s ≥ 0.8 × (5 ÷ 0.2 s) = 20',
    );
    const chatty = clean();
    chatty.fiEntries.callsPerEntry = 1.051;
    expect(verdicts(chatty)[1]).toBe(false);
    for (const broken of [
      { status: 'posted_unconfirmed' },
      { entriesPosted: 999 },
      { journalLines: { expected: 3000, found: 2999 } },
    ]) {
      expect(verdicts({ ...clean(), ...broken })[2]).toBe(false);
    }
    const crowded = clean();
    crowded.fiEntries.maxInFlight = 6;
    expect(verdicts(crowded)[3]).toBe(false);
  });

  it('does not judge the pace without latency, nor calls per entry when not every entry was posted', () => {
    expect(
      verdicts({
        ...clean(),
        posting: { seconds: 1, entriesPerSecond: 1000, targetEntriesPerSecond: null },
      })[0],
    ).toBeNull();
    expect(verdicts({ ...clean(), entriesPosted: 400 })[1]).toBeNull();
  });
});

describe('bench:post arguments', () => {
  it('defaults to issue 19 point 10: 1,000 entries, 200 ms, 5 calls', () => {
    expect(parsePostBenchArgs([])).toEqual({
      entries: 1000,
      latencyMs: 200,
      concurrency: 5,
      seed: 19,
      database: 'afas_bench_post',
      out: 'bench-results/post-1000x200ms.json',
    });
  });

  it('refuses a concurrency above what AFAS allows, and other bad values, naming the option', () => {
    const message = (argv: string[]) => {
      try {
        parsePostBenchArgs(argv);
        return 'accepted';
      } catch (error) {
        return error instanceof ToolArgsError ? error.message : String(error);
      }
    };
    expect(message(['--concurrency', '6'])).toBe('--concurrency must be a whole number from 1 to 5');
    expect(message(['--entries', '0'])).toBe('--entries must be a whole number from 1 to 100000');
    expect(message(['--latency-ms', '2.5'])).toBe('--latency-ms must be a whole number from 0 to 60000');
    expect(message(['--database', 'Bench'])).toMatch(/^--database must be a lower-case SQL identifier/);
    expect(message(['--rows', '5'])).toMatch(/Unknown option '--rows'/);
  });
});
