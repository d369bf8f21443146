// Carries out the fault schedule: infrastructure events in one lane, AFAS faults and data
// mutations in another, each at its planned time, none after the chaos deadline.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PrivateCluster } from './postgres-cluster.js';
import { INFRA_KINDS, type FaultEvent, type FaultKind } from './schedule.js';
import type { SimulatorControl } from './simulator-control.js';
import type { RestartableTemporal } from './temporal-server.js';
import type { WorkerSupervisor } from './worker-supervisor.js';

export interface ChaosTargets {
  worker: WorkerSupervisor;
  postgres: PrivateCluster;
  temporal: RestartableTemporal;
  sim: SimulatorControl;
  log: (line: string) => void;
}

export interface ChaosOutcome {
  /** Events carried out, by kind. */
  injected: Partial<Record<FaultKind, number>>;
  /** Events that would have started after the deadline (an earlier one ran long). */
  skipped: number;
  /** Injections that failed (the run goes on). */
  errors: string[];
}

async function apply(event: FaultEvent, targets: ChaosTargets): Promise<void> {
  switch (event.kind) {
    case 'worker-kill':
      return targets.worker.kill(event.downMs);
    case 'postgres-restart':
      return targets.postgres.restart();
    case 'temporal-restart':
      return targets.temporal.restart(event.downMs);
    case 'afas-locked':
    case 'afas-unavailable':
    case 'afas-reset':
    case 'afas-slow':
      return targets.sim.fault(event.rule);
    case 'mutate-journal':
      return targets.sim.mutateJournal(event.days, event.seed);
    case 'mutate-master':
    case 'delete-master':
    case 'future-stamp':
      return targets.sim.master(event.change);
  }
}

function describe(event: FaultEvent): string {
  switch (event.kind) {
    case 'worker-kill':
    case 'temporal-restart':
      return `${event.kind} (down ${event.downMs} ms)`;
    case 'mutate-journal':
      return `${event.kind} (${event.days} day(s))`;
    case 'mutate-master':
    case 'delete-master':
    case 'future-stamp':
      return `${event.kind} (${event.change.connector})`;
    case 'postgres-restart':
      return event.kind;
    default:
      return `${event.kind} (${event.rule.connector ?? 'every connector'}, ×${event.rule.count})`;
  }
}

async function lane(
  events: readonly FaultEvent[],
  targets: ChaosTargets,
  startedAt: number,
  deadline: number,
  outcome: ChaosOutcome,
  signal: AbortSignal | undefined,
): Promise<void> {
  for (const event of events) {
    const due = startedAt + event.atMs;
    if (due > deadline || Date.now() > deadline || signal?.aborted) {
      outcome.skipped += 1;
      continue;
    }
    await sleep(Math.max(0, due - Date.now()), undefined, signal ? { signal } : {}).catch(() => undefined);
    if (signal?.aborted) {
      outcome.skipped += 1;
      continue;
    }
    const at = ((Date.now() - startedAt) / 1000).toFixed(1);
    try {
      await apply(event, targets);
      outcome.injected[event.kind] = (outcome.injected[event.kind] ?? 0) + 1;
      targets.log(`t+${at}s ${describe(event)}`);
    } catch (error) {
      outcome.errors.push(`t+${at}s ${describe(event)}: ${(error as Error).message.split('\n')[0] ?? ''}`);
      targets.log(`t+${at}s ${describe(event)} FAILED: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }
  }
}

/** Runs the schedule from `startedAt` until every event ran or was skipped (deadline, abort). */
export async function runChaos(
  events: readonly FaultEvent[],
  targets: ChaosTargets,
  startedAt: number,
  deadline: number,
  signal?: AbortSignal,
): Promise<ChaosOutcome> {
  const outcome: ChaosOutcome = { injected: {}, skipped: 0, errors: [] };
  const infra = events.filter((event) => INFRA_KINDS.includes(event.kind));
  const data = events.filter((event) => !INFRA_KINDS.includes(event.kind));
  await Promise.all([
    lane(infra, targets, startedAt, deadline, outcome, signal),
    lane(data, targets, startedAt, deadline, outcome, signal),
  ]);
  return outcome;
}
