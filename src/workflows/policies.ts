// The activity proxies of both sagas, one per policy, each built once per workflow run. A proxy
// is named after what its activities do; its options say how long they may take and what a
// retry cannot fix (the failure types of src/temporal/failure-types.ts).
import { ActivityCancellationType, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { ImportActivities } from '../activities/import-activities.js';
import type { LedgerActivities } from '../activities/ledger-activities.js';
import type { SyncActivities } from '../activities/sync-activities.js';
import type { SyncPlanActivities } from '../activities/sync-plan.js';
import { NON_RETRYABLE_FAILURES } from '../temporal/failure-types.js';
import type { PostActivities } from '../write-back/post-types.js';
import { DEFAULT_RETRY_GIVE_UP_SECONDS } from './definitions.js';
import type { ResolvedImportOptions } from './import/options.js';

/** Short PostgreSQL steps (run log, settings, watermarks): quick retries, then give up. */
const BOOKKEEPING_RETRY = { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 };

/**
 * The heartbeat timeout of a sync's AFAS activities: how long a crashed worker's activity waits
 * before it is retried elsewhere. Syncs started before the `sync-heartbeat-20s` patch use 60 s
 * (the default below); the workflow sets this explicitly since.
 */
export const SYNC_HEARTBEAT_TIMEOUT_SECONDS = 20;

export interface SyncPolicyOptions {
  heartbeatTimeoutSeconds?: number;
  retryInitialSeconds?: number;
  retryMaximumSeconds?: number;
  /** Total time of one AFAS activity across its attempts (DEFAULT_RETRY_GIVE_UP_SECONDS). */
  retryGiveUpSeconds?: number;
}

export function syncActivities(options: SyncPolicyOptions) {
  return {
    /** Run log, settings, watermarks, the sync plan, the ledger proof (PostgreSQL only). */
    bookkeeping: proxyActivities<SyncActivities & SyncPlanActivities & LedgerActivities>({
      startToCloseTimeout: '2 minutes',
      retry: BOOKKEEPING_RETRY,
    }),
    /** Batches posted to AFAS, checked against this run's journal lines (PostgreSQL only). */
    posting: proxyActivities<Pick<PostActivities, 'confirmPostedBatches'>>({
      startToCloseTimeout: '2 minutes',
      retry: BOOKKEEPING_RETRY,
    }),
    /** Whether a historical import owns the source right now. */
    importCheck: proxyActivities<Pick<ImportActivities, 'importRunning'>>({
      startToCloseTimeout: '1 minute',
      retry: BOOKKEEPING_RETRY,
    }),
    /** Everything that talks to AFAS: heartbeats, long backoff, Retry-After honoured by the activity. */
    afas: proxyActivities<SyncActivities & LedgerActivities>({
      startToCloseTimeout: '2 hours',
      scheduleToCloseTimeout: `${options.retryGiveUpSeconds ?? DEFAULT_RETRY_GIVE_UP_SECONDS} seconds`,
      heartbeatTimeout: `${options.heartbeatTimeoutSeconds ?? 60} seconds`,
      retry: {
        initialInterval: `${options.retryInitialSeconds ?? 5} seconds`,
        backoffCoefficient: 2,
        maximumInterval: `${options.retryMaximumSeconds ?? 300} seconds`,
        nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
      },
    }),
  };
}

export function importActivities(options: ResolvedImportOptions) {
  const afasPolicy: ActivityOptions = {
    startToCloseTimeout: '1 hour',
    scheduleToCloseTimeout: `${options.retryGiveUpSeconds} seconds`,
    heartbeatTimeout: `${options.heartbeatTimeoutSeconds} seconds`,
    retry: {
      initialInterval: `${options.retryInitialSeconds} seconds`,
      backoffCoefficient: 2,
      maximumInterval: `${options.retryMaximumSeconds} seconds`,
      nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
    },
    // Cancel waits until the activity has stopped, so nothing writes after the import is marked cancelled.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  };
  return {
    /** The imports row, partition batches and failures: short, and a cancelled workflow waits for them to land. */
    bookkeeping: proxyActivities<ImportActivities & LedgerActivities>({
      startToCloseTimeout: '2 minutes',
      retry: { ...BOOKKEEPING_RETRY, nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES] },
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    /** Planning and partition chunks: AFAS calls that heartbeat. */
    afas: proxyActivities<
      ImportActivities & LedgerActivities & Pick<SyncActivities, 'discoverAdministrations' | 'syncDataset'>
    >(afasPolicy),
    /** Waits for a sync already running to finish before the import takes the source. */
    syncWait: proxyActivities<Pick<ImportActivities, 'importAwaitSyncs'>>({
      ...afasPolicy,
      startToCloseTimeout: `${options.syncWaitSeconds + 300} seconds`,
    }),
  };
}

export interface PostPolicyOptions {
  retryInitialSeconds?: number;
  retryMaximumSeconds?: number;
}

/**
 * The posting saga's proxies. AFAS calls heartbeat (a SIGKILLed worker's entry is retried within
 * 20 s, and the retry looks its marker up before posting again); a locked booking layout is
 * retried until the worker's lock wait runs out (the activity then fails non-retryably), so the
 * total bound here only catches what nothing else ends. Compensation must not be cut short by
 * the workflow's own cancellation: its proxies wait for the activity to finish.
 */
export function postActivities(options: PostPolicyOptions = {}) {
  return {
    bookkeeping: proxyActivities<PostActivities>({
      startToCloseTimeout: '2 minutes',
      retry: { ...BOOKKEEPING_RETRY, nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES] },
    }),
    afas: proxyActivities<Pick<PostActivities, 'postEntry' | 'compensateEntry'>>({
      startToCloseTimeout: '10 minutes',
      scheduleToCloseTimeout: `${DEFAULT_RETRY_GIVE_UP_SECONDS} seconds`,
      heartbeatTimeout: `${SYNC_HEARTBEAT_TIMEOUT_SECONDS} seconds`,
      retry: {
        initialInterval: `${options.retryInitialSeconds ?? 2} seconds`,
        backoffCoefficient: 2,
        maximumInterval: `${options.retryMaximumSeconds ?? 120} seconds`,
        nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
      },
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
  };
}
