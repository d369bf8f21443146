// `afas-sync schedule <source> | --all`: the sources' Temporal Schedules (interval, jitter, pause, resume).
import { Option, type Command } from 'commander';
import type { ScheduleState, SyncTarget } from '../../client/sync-control.js';
import type { AppContext } from '../../app/context.js';
import type { SourceRecord } from '../../db/sources.js';
import type { CliRun } from '../context.js';
import { CliFailure, CliUsageError } from '../errors.js';
import { formatDuration, formatTime } from '../output.js';
import { parseInterval, parseSourceName } from '../parse.js';

interface ScheduleFlags {
  every?: string;
  pause?: boolean;
  resume?: boolean;
  refresh?: boolean;
  all?: boolean;
}

/** What to change; nothing at all means "show". */
interface ScheduleChange {
  interval: number | undefined;
  paused: boolean | undefined;
  refresh: boolean;
}

/** Schedules changed at once by `--all`: hundreds of sources take seconds, and Temporal is not flooded. */
const ALL_CONCURRENCY = 8;

export function registerSchedule(program: Command, cli: CliRun): void {
  program
    .command('schedule')
    .description("show or change a source's sync schedule, or every source's with --all")
    .argument('[source]', 'source name (or --all)')
    .option('--all', 'every source: show, or change each (reported per source)')
    .option(
      '--every <duration>',
      'sync interval, e.g. 15m, 1h or 900s (at least 60s); also stored on the source',
    )
    .addOption(new Option('--pause', 'pause the schedule (a running sync finishes)').conflicts('resume'))
    .addOption(new Option('--resume', 'resume a paused schedule'))
    .option('--refresh', "rewrite the schedule from the source's settings (interval, jitter), paused or not")
    .addHelpText(
      'after',
      `
Each source has a Temporal Schedule (id afas-sync-schedule/<source>) that starts its sync; a tick
that finds a sync still running is skipped. Each tick starts a random moment later, up to 10% of the
interval and at most 5 minutes (15m: up to 1m30s; 1h and longer: up to 5m), so many sources on one
interval do not all call AFAS in the same second. Without options this prints the schedule's state.
--every may be combined with --pause or --resume; a missing schedule is created by any of them. Every
change rewrites the schedule from the source's settings, so a schedule made before jitter gets it;
--refresh does only that. With --all the change applies to every source, one line each; it carries on
past a source that fails and then exits 1.

Examples:
  $ afas-sync schedule acme
  $ afas-sync schedule acme --every 30m
  $ afas-sync schedule acme --pause
  $ afas-sync schedule acme --every 1h --resume
  $ afas-sync schedule --all
  $ afas-sync schedule --all --every 15m
  $ afas-sync schedule --all --pause
  $ afas-sync schedule --all --refresh`,
    )
    .action(async (name: string | undefined, flags: ScheduleFlags) => {
      if (flags.all && name !== undefined)
        throw new CliUsageError(
          `give a source or --all, not both (got "${parseSourceName(name)}" and --all)`,
        );
      if (!flags.all && name === undefined)
        throw new CliUsageError('give a source (afas-sync schedule acme), or --all for every source');
      const change: ScheduleChange = {
        interval: flags.every === undefined ? undefined : parseInterval(flags.every, '--every'),
        paused: flags.pause ? true : flags.resume ? false : undefined,
        refresh: flags.refresh === true,
      };
      if (name === undefined) await scheduleAll(cli, change);
      else await scheduleOne(cli, parseSourceName(name), change);
    });
}

const changes = (change: ScheduleChange) =>
  change.interval !== undefined || change.paused !== undefined || change.refresh;

async function scheduleOne(cli: CliRun, source: string, change: ScheduleChange): Promise<void> {
  const app = await cli.ctx.app();
  const record = await app.sources.get(source);
  const target = await cli.ctx.temporal();
  const { describeSchedule } = await import('../../client/sync-control.js');
  if (!changes(change)) {
    const state = await describeSchedule(target, source);
    cli.out.line(
      state.exists
        ? describe(source, state, undefined)
        : `source "${source}" has no schedule; create it with \`afas-sync schedule ${source} --every ${formatDuration(record.syncIntervalSeconds)}\``,
    );
    return;
  }
  const outcome = await applyChange(app, target, record, change);
  cli.out.line(describe(source, outcome.state, outcome.change));
}

/**
 * Brings one source's schedule to its settings and the change. Every change goes through
 * ensureSchedule, which rewrites spec (jitter) and action whole: the update path of schedules
 * created before jitter.
 */
async function applyChange(
  app: AppContext,
  target: SyncTarget,
  record: SourceRecord,
  change: ScheduleChange,
): Promise<{ state: ScheduleState; change: 'created' | 'updated' }> {
  const { describeSchedule, ensureSchedule } = await import('../../client/sync-control.js');
  const before = await describeSchedule(target, record.name);
  const current =
    change.interval !== undefined && change.interval !== record.syncIntervalSeconds
      ? await app.sources.update(record.name, { syncIntervalSeconds: change.interval })
      : record;
  const note =
    change.paused === undefined
      ? undefined
      : change.paused
        ? 'paused with afas-sync schedule --pause'
        : 'resumed with afas-sync schedule --resume';
  await ensureSchedule(target, current, {
    ...(change.paused === undefined ? {} : { paused: change.paused }),
    ...(note === undefined ? {} : { note }),
  });
  return {
    state: await describeSchedule(target, record.name),
    change: before.exists ? 'updated' : 'created',
  };
}

async function scheduleAll(cli: CliRun, change: ScheduleChange): Promise<void> {
  const app = await cli.ctx.app();
  const records = await app.sources.list();
  const target = await cli.ctx.temporal();
  const [{ forEachLimited }, { describeSchedule }] = await Promise.all([
    import('../../client/fleet-control.js'),
    import('../../client/sync-control.js'),
  ]);
  if (records.length === 0) {
    cli.out.line('no sources yet (add one with `afas-sync source add`)');
    return;
  }
  const work = async (
    record: SourceRecord,
  ): Promise<{ state: ScheduleState; change: 'created' | 'updated' | undefined }> =>
    changes(change)
      ? applyChange(app, target, record, change)
      : { state: await describeSchedule(target, record.name), change: undefined };
  const outcomes = await forEachLimited(records, ALL_CONCURRENCY, work);
  const failed: string[] = [];
  outcomes.forEach((outcome, index) => {
    const source = (records[index] as SourceRecord).name;
    if (outcome.status === 'rejected') {
      failed.push(source);
      const reason = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
      cli.out.line(`schedule of "${source}" FAILED: ${reason.split('\n')[0] ?? ''}`);
    } else if (!outcome.value.state.exists) {
      cli.out.line(`source "${source}" has no schedule`);
    } else {
      cli.out.line(describe(source, outcome.value.state, outcome.value.change));
    }
  });
  if (failed.length > 0) {
    const named = failed.slice(0, 10).join(', ') + (failed.length > 10 ? ', …' : '');
    throw new CliFailure(
      `${failed.length} of ${records.length} schedule(s) could not be ${changes(change) ? 'changed' : 'read'}: ${named}`,
    );
  }
  if (changes(change)) cli.out.line(`${records.length} schedule(s) changed`);
}

function describe(source: string, state: ScheduleState, change: string | undefined): string {
  const every = state.everySeconds === null ? 'an unknown interval' : formatDuration(state.everySeconds);
  const next = !state.paused && state.nextRunAt ? `, next run ${formatTime(state.nextRunAt)}` : '';
  const jitter = state.jitterSeconds ? '' : ', no jitter';
  return `schedule of "${source}"${change ? ` ${change}` : ''}: every ${every}, ${state.paused ? 'paused' : 'active'}${next}${tickSpreadText(state)}${jitter}`;
}

/** Where in the interval a schedule's ticks fall: its offset and jitter, when it has them. */
export function tickSpreadText(state: Pick<ScheduleState, 'offsetSeconds' | 'jitterSeconds'>): string {
  return (
    (state.offsetSeconds ? `, offset ${formatDuration(state.offsetSeconds)} into each interval` : '') +
    (state.jitterSeconds ? `, start jitter up to ${formatDuration(state.jitterSeconds)}` : '')
  );
}
