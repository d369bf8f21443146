// `npm run bench:post [-- --entries 1000 --latency-ms 200 --concurrency 5 --out F]`: one batch of
// journal entries posted to a simulated AFAS whose FiEntries answers after a fixed latency, so AFAS
// and not the machine sets the pace (issue 19 point 10). Builds the stack, syncs the source once
// (the master data the batch is checked against), generates a valid batch from the synced tables,
// posts it with `afas-sync post --wait` and measures: registration to every entry in AFAS,
// entries/s against 0.8 × (calls allowed ÷ latency), FiEntries calls per entry (the simulator's
// request log), the confirming sync apart. Prints a table with met/MISSED and writes JSON under
// bench-results/.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSync } from '../../src/client/sync-control.js';
import { postWorkflowId } from '../../src/workflows/definitions.js';
import { closeOnInterrupt, elapsedLog, round, runBench } from '../bench-run.js';
import { activityTimes, workflowTaskTimes, type WorkflowTaskTimes } from '../bench/history-profile.js';
import { generateBatch, readPostingChoices } from './batch.js';
import { batchFacts, fiEntriesFigures, otherCallsWhilePosting, syncAfter } from './measure.js';
import { AFAS_CALLS_PER_ENVIRONMENT, parsePostBenchArgs, type PostBenchOptions } from './options.js';
import { cliProblems, runPostCli } from './post-cli.js';
import { formatPostReport, judge, paceTarget, type PostBenchReport } from './report.js';
import { buildPostStack, POST_SCHEMA, POST_SOURCE, type PostStack } from './stack.js';

const log = elapsedLog('post');
const secondsBetween = (from: Date, to: Date | null) =>
  to === null ? null : round((to.getTime() - from.getTime()) / 1000);

/** The posting's bound: every entry at the latency one at a time, plus room for the confirming sync. */
function cliTimeoutMs(options: PostBenchOptions): number {
  return 10 * 60_000 + options.entries * (options.latencyMs + 500);
}

async function firstSync(stack: PostStack): Promise<number> {
  const started = performance.now();
  const result = await (await startSync(stack.target, POST_SOURCE, {})).result();
  if (result.status !== 'succeeded')
    throw new Error(`the first sync of ${POST_SOURCE} ended ${result.status}: ${result.error ?? ''}`);
  return round((performance.now() - started) / 1000);
}

/** The batch workflow's history: its length, and the postEntry activities' mean schedule-to-close. */
async function workflowFigures(
  stack: PostStack,
  batch: string,
): Promise<{ events: number | null; postEntryMs: number | null; tasks: WorkflowTaskTimes | null }> {
  try {
    const history = await stack.target.client.workflow
      .getHandle(postWorkflowId(POST_SOURCE, batch))
      .fetchHistory();
    const events = history.events ?? [];
    const posts = activityTimes(events).find((times) => times.type === 'postEntry');
    return {
      events: events.length,
      postEntryMs: posts ? round(posts.totalMs / posts.count, 1) : null,
      tasks: workflowTaskTimes(events),
    };
  } catch {
    return { events: null, postEntryMs: null, tasks: null };
  }
}

async function run(options: PostBenchOptions, adminUrl: string): Promise<PostBenchReport> {
  const stack = await buildPostStack(options, adminUrl, log);
  const stopListening = closeOnInterrupt(stack, log);
  let scratch: string | undefined;
  try {
    scratch = await mkdtemp(join(tmpdir(), 'bench-post-'));
    log(`first sync of ${POST_SOURCE}`);
    const firstSyncSeconds = await firstSync(stack);
    log(`first sync: ${firstSyncSeconds} s`);
    const choices = await readPostingChoices(stack.app.pool, POST_SCHEMA, POST_SOURCE);
    const batch = generateBatch(
      choices,
      `bench-${options.seed}-${options.entries}`,
      options.entries,
      options.seed,
    );
    const lines = batch.entries.reduce((sum, entry) => sum + entry.lines.length, 0);
    const file = join(scratch, 'batch.json');
    await writeFile(file, JSON.stringify(batch));

    const sinceSeq = await stack.control.lastSeq();
    log(`posting ${options.entries} entries (${lines} lines) with afas-sync post --wait`);
    const cli = await runPostCli(POST_SOURCE, file, stack.productEnv, cliTimeoutMs(options));
    log(`afas-sync post exited ${cli.exitCode ?? 'on its timeout'} after ${round(cli.seconds)} s`);

    const facts = await batchFacts(stack.app.pool, POST_SCHEMA, POST_SOURCE, batch.batch);
    // One read of the request log: the FiEntries calls are a subset of all of them.
    const allCalls = await stack.control.callsSince(sinceSeq);
    const fiEntriesCalls = allCalls.filter((call) => call.connector === 'FiEntries');
    const sync = facts?.postedAt
      ? await syncAfter(stack.app.pool, POST_SCHEMA, POST_SOURCE, facts.postedAt)
      : undefined;
    const callsAllowed = Math.min(options.concurrency, AFAS_CALLS_PER_ENVIRONMENT);
    const postingSeconds = facts ? secondsBetween(facts.createdAt, facts.postedAt) : null;
    const figures = fiEntriesFigures(fiEntriesCalls);
    const problems = cliProblems(cli);
    const workflow = await workflowFigures(stack, batch.batch);
    if (!facts) problems.push(`batch ${batch.batch} was never registered`);
    const partial: Omit<PostBenchReport, 'targets'> = {
      batch: batch.batch,
      entries: options.entries,
      lines,
      latencyMs: options.latencyMs,
      concurrency: options.concurrency,
      callsAllowed,
      firstSyncSeconds,
      cli: { exitCode: cli.exitCode, seconds: round(cli.seconds) },
      status: facts?.status ?? null,
      reason: facts?.reason ?? null,
      entriesPosted: facts?.entriesPosted ?? 0,
      posting: {
        seconds: postingSeconds,
        entriesPerSecond: postingSeconds ? round(options.entries / postingSeconds) : null,
        targetEntriesPerSecond: paceTarget(callsAllowed, options.latencyMs),
      },
      fiEntries: { ...figures, callsPerEntry: round(figures.calls / options.entries, 3) },
      otherCallsWhilePosting: otherCallsWhilePosting(allCalls, facts?.postedAt ?? null),
      confirming: {
        seconds: facts?.postedAt ? secondsBetween(facts.postedAt, facts.endedAt) : null,
        syncSeconds: sync?.seconds === undefined || sync.seconds === null ? null : round(sync.seconds),
        syncStatus: sync?.status ?? null,
      },
      journalLines: { expected: lines, found: facts?.journalLines ?? 0 },
      steps: facts?.steps ?? {},
      perEntry: {
        // Each allowed call is a slot: what an entry cost one slot, of which AFAS's answer and the
        // postEntry activity (schedule to close) were how much; the rest is the workflow's turn.
        slotMs: postingSeconds ? round((postingSeconds * callsAllowed * 1000) / options.entries, 1) : null,
        afasMs: figures.durationMs.p50,
        postEntryActivityMs: workflow.postEntryMs,
      },
      workflowHistoryEvents: workflow.events,
      workflowTasks: workflow.tasks,
      problems,
      at: new Date().toISOString(),
    };
    return { ...partial, targets: judge(partial) };
  } finally {
    stopListening();
    if (scratch) await rm(scratch, { recursive: true, force: true });
    log('tearing the stack down');
    await stack.close();
  }
}

await runBench({ name: 'bench:post', parse: parsePostBenchArgs, run, format: formatPostReport });
