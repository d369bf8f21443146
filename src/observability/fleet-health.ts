// How healthy is each source of a fleet, and which comes first? One pure rule for
// `afas-sync status` without a source (its lines, order, summary and exit code).
import type { ScheduleState } from '../client/sync-control.js';
import type { RunRecord, RunStatus } from '../db/runs.js';
import type { SourceRecord } from '../db/sources.js';
import { credentialExpiry, type CredentialExpiry } from './credential-expiry.js';
import { freshnessOf, type Freshness } from './freshness.js';

/**
 * Worst first: AFAS refused the source (an operator must act), its last sync failed or was
 * partial, its data is older than the stale threshold, or none of these.
 */
export const HEALTH_ORDER = ['needs_attention', 'failing', 'stale', 'healthy'] as const;
export type Health = (typeof HEALTH_ORDER)[number];

/** What the source is doing now: a sync running, waiting for its schedule, paused, or no schedule. */
export type FleetState = 'syncing' | 'scheduled' | 'paused' | 'unscheduled' | 'unknown';

/** The source's Schedule as Temporal describes it; its note plays no part in health. */
export type FleetScheduleInput = Omit<ScheduleState, 'note'>;

export interface FleetSourceInput {
  record: Pick<
    SourceRecord,
    | 'name'
    | 'status'
    | 'statusReason'
    | 'lastSuccessAt'
    | 'createdAt'
    | 'syncIntervalSeconds'
    | 'credentialKind'
    | 'oauthClientId'
    | 'secretExpiresOn'
  >;
  /** The latest finished sync run; null when none finished yet. */
  lastRun: Pick<RunRecord, 'runId' | 'status' | 'startedAt' | 'finishedAt' | 'error'> | null;
  /** The datasets that failed in `lastRun`. */
  failedDatasets: readonly { dataset: string; administration: number; error: string | null }[];
  /** Null when Temporal had no schedule for it. */
  schedule: FleetScheduleInput | null;
  syncing: boolean;
}

/** One source's line of the fleet view; `--json` prints these field names as they are. */
export interface FleetSourceStatus {
  source: string;
  /** The worst of `problems`, or healthy. */
  health: Health;
  /** Every problem found, worst first (a refused source is usually failing too). */
  problems: Exclude<Health, 'healthy'>[];
  state: FleetState;
  /** Why the source needs attention (AFAS's refusal); null when it does not. */
  needsAttention: string | null;
  lastSuccessAt: Date | null;
  freshness: Freshness;
  lastRun: {
    runId: string;
    status: RunStatus;
    startedAt: Date;
    finishedAt: Date | null;
    error: string | null;
  } | null;
  /** `dataset` or `dataset (administration N)` of each dataset that failed in the last run. */
  failingDatasets: { dataset: string; administration: number; error: string | null }[];
  credential: Pick<CredentialExpiry, 'kind' | 'clientId' | 'expiresOn' | 'daysLeft' | 'warning' | 'text'>;
  schedule: FleetScheduleInput | null;
}

const FAILED_RUN: ReadonlySet<RunStatus> = new Set<RunStatus>(['failed', 'partial']);

function stateOf(input: FleetSourceInput): FleetState {
  if (input.syncing) return 'syncing';
  if (!input.schedule?.exists) return 'unscheduled';
  return input.schedule.paused ? 'paused' : 'scheduled';
}

export function classifySource(
  input: FleetSourceInput,
  now: Date = new Date(),
  staleAfterSeconds?: number,
): FleetSourceStatus {
  const { record, lastRun } = input;
  const freshness = freshnessOf(record, now, staleAfterSeconds);
  const failing = lastRun !== null && FAILED_RUN.has(lastRun.status);
  const problems: FleetSourceStatus['problems'] = [];
  if (record.status === 'needs_attention') problems.push('needs_attention');
  if (failing) problems.push('failing');
  if (freshness.stale) problems.push('stale');
  const { kind, clientId, expiresOn, daysLeft, warning, text } = credentialExpiry(record, now);
  return {
    source: record.name,
    health: problems[0] ?? 'healthy',
    problems,
    state: stateOf(input),
    needsAttention:
      record.status === 'needs_attention'
        ? (record.statusReason ?? 'needs attention (no reason recorded)')
        : null,
    lastSuccessAt: record.lastSuccessAt,
    freshness,
    lastRun: lastRun && {
      runId: lastRun.runId,
      status: lastRun.status,
      startedAt: lastRun.startedAt,
      finishedAt: lastRun.finishedAt,
      error: lastRun.error,
    },
    failingDatasets: failing
      ? input.failedDatasets.map(({ dataset, administration, error }) => ({ dataset, administration, error }))
      : [],
    credential: { kind, clientId, expiresOn, daysLeft, warning, text },
    schedule: input.schedule && {
      exists: input.schedule.exists,
      paused: input.schedule.paused,
      everySeconds: input.schedule.everySeconds,
      offsetSeconds: input.schedule.offsetSeconds,
      jitterSeconds: input.schedule.jitterSeconds,
      nextRunAt: input.schedule.nextRunAt,
    },
  };
}

/** Worst first (needs attention, failing, stale, healthy); sources of one health by name. */
export function sortFleet(statuses: readonly FleetSourceStatus[]): FleetSourceStatus[] {
  const rank = (status: FleetSourceStatus) => HEALTH_ORDER.indexOf(status.health);
  return [...statuses].sort(
    (a, b) => rank(a) - rank(b) || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0),
  );
}

export interface FleetSummary {
  sources: number;
  byHealth: Record<Health, number>;
  credentialWarnings: number;
  syncing: number;
}

export function summarizeFleet(statuses: readonly FleetSourceStatus[]): FleetSummary {
  const byHealth: Record<Health, number> = { needs_attention: 0, failing: 0, stale: 0, healthy: 0 };
  for (const status of statuses) byHealth[status.health] += 1;
  return {
    sources: statuses.length,
    byHealth,
    credentialWarnings: statuses.filter((status) => status.credential.warning !== null).length,
    syncing: statuses.filter((status) => status.state === 'syncing').length,
  };
}

/** Exit code of the fleet view: 0 when every source is healthy, 4 when any is not. */
export const FLEET_UNHEALTHY_EXIT = 4;

export function fleetExitCode(statuses: readonly FleetSourceStatus[]): number {
  return statuses.every((status) => status.health === 'healthy') ? 0 : FLEET_UNHEALTHY_EXIT;
}
