// `afas-sync schedule <source>`: the source's Temporal Schedule (interval, pause, resume).
import { Option, type Command } from 'commander';
import type { ScheduleState } from '../../client/sync-control.js';
import type { CliRun } from '../context.js';
import { formatDuration, formatTime } from '../output.js';
import { parseInterval, parseSourceName } from '../parse.js';

interface ScheduleFlags {
  every?: string;
  pause?: boolean;
  resume?: boolean;
}

export function registerSchedule(program: Command, cli: CliRun): void {
  program
    .command('schedule')
    .description("show or change a source's sync schedule")
    .argument('<source>', 'source name')
    .option(
      '--every <duration>',
      'sync interval, e.g. 15m, 1h or 900s (at least 60s); also stored on the source',
    )
    .addOption(new Option('--pause', 'pause the schedule (a running sync finishes)').conflicts('resume'))
    .addOption(new Option('--resume', 'resume a paused schedule'))
    .addHelpText(
      'after',
      `
Each source has a Temporal Schedule (id afas-sync-schedule/<source>) that starts its sync; a tick
that finds a sync still running is skipped. Without options this prints the schedule's state.
--every may be combined with --pause or --resume; a missing schedule is created by any of them.

Examples:
  $ afas-sync schedule acme
  $ afas-sync schedule acme --every 30m
  $ afas-sync schedule acme --pause
  $ afas-sync schedule acme --every 1h --resume`,
    )
    .action(async (name: string, flags: ScheduleFlags) => {
      await schedule(cli, parseSourceName(name), flags);
    });
}

async function schedule(cli: CliRun, source: string, flags: ScheduleFlags): Promise<void> {
  const interval = flags.every === undefined ? undefined : parseInterval(flags.every, '--every');
  const app = await cli.ctx.app();
  let record = await app.sources.get(source);
  const target = await cli.ctx.temporal();
  const { describeSchedule, ensureSchedule, setSchedulePaused } =
    await import('../../client/sync-control.js');
  const paused = flags.pause ? true : flags.resume ? false : undefined;
  const before = await describeSchedule(target, source);
  if (interval === undefined && paused === undefined) {
    cli.out.line(
      before.exists
        ? describe(source, before, undefined)
        : `source "${source}" has no schedule; create it with \`afas-sync schedule ${source} --every ${formatDuration(record.syncIntervalSeconds)}\``,
    );
    return;
  }
  if (interval !== undefined && interval !== record.syncIntervalSeconds) {
    record = await app.sources.update(source, { syncIntervalSeconds: interval });
  }
  if (!before.exists || interval !== undefined) {
    await ensureSchedule(target, record, paused === undefined ? {} : { paused });
  } else if (paused !== undefined && paused !== before.paused) {
    await setSchedulePaused(
      target,
      source,
      paused,
      paused ? 'paused with afas-sync schedule --pause' : 'resumed with afas-sync schedule --resume',
    );
  }
  cli.out.line(
    describe(source, await describeSchedule(target, source), before.exists ? 'updated' : 'created'),
  );
}

function describe(source: string, state: ScheduleState, change: string | undefined): string {
  const every = state.everySeconds === null ? 'an unknown interval' : formatDuration(state.everySeconds);
  const next = !state.paused && state.nextRunAt ? `, next run ${formatTime(state.nextRunAt)}` : '';
  return `schedule of "${source}"${change ? ` ${change}` : ''}: every ${every}, ${state.paused ? 'paused' : 'active'}${next}`;
}
