import { proxyActivities, uuid4, workflowInfo } from '@temporalio/workflow';
import type { SyncActivities } from '../activities/sync-activities.js';
import type { CheckSourceResult } from '../activities/types.js';
import { summarizeFailure } from './failures.js';

/**
 * Checks a source like the "Confirm" step of the AFAS setup (token valid, every required
 * GetConnector present) and records the outcome in `sources` and `sync_runs`.
 */
export async function checkSource(input: { source: string }): Promise<CheckSourceResult & { runId: string }> {
  const info = workflowInfo();
  const runId = uuid4();
  const control = proxyActivities<SyncActivities>({
    startToCloseTimeout: '1 minute',
    retry: { maximumAttempts: 10 },
  });
  const afas = proxyActivities<SyncActivities>({
    startToCloseTimeout: '5 minutes',
    retry: {
      maximumAttempts: 5,
      nonRetryableErrorTypes: ['AfasAuth', 'AfasFunctional', 'AfasBadResponse', 'SourceNotFound'],
    },
  });
  await control.beginRun({
    source: input.source,
    runId,
    kind: 'check',
    workflowId: info.workflowId,
    workflowRunId: info.runId,
  });
  try {
    const result = await afas.checkSource({ source: input.source, runId });
    await control.finishRun({
      source: input.source,
      runId,
      status: result.ok ? 'succeeded' : 'failed',
      error: result.message,
      markSuccess: false,
    });
    return { ...result, runId };
  } catch (error) {
    const summary = summarizeFailure(error);
    await control.finishRun({
      source: input.source,
      runId,
      status: 'failed',
      error: summary.message,
      markSuccess: false,
    });
    return {
      ok: false,
      environmentName: null,
      appName: null,
      missingConnectors: [],
      message: summary.message,
      runId,
    };
  }
}
