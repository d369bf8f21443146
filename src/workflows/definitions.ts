// Names operators and the CLI use to talk to running workflows. Safe to import from clients.
import { defineQuery } from '@temporalio/workflow';

export const syncWorkflowId = (source: string) => `afas-sync/${source}`;
export const checkWorkflowId = (source: string) => `afas-check/${source}`;
export const scheduleIdFor = (source: string) => `afas-sync-schedule/${source}`;

export type SyncPhase = 'starting' | 'check' | 'administrations' | 'master_data' | 'journal_lines' | 'finishing' | 'done';

export interface DatasetProgress {
  dataset: string;
  administration: number;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
  inserted: number;
  updated: number;
  deleted: number;
  pages: number;
  afasCalls: number;
  error?: string;
}

export interface SyncProgress {
  source: string;
  runId: string;
  phase: SyncPhase;
  startedAt: string;
  administrations: number[];
  datasets: DatasetProgress[];
  changedDays: number;
  daysReplaced: number;
  failures: number;
  status: 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled' | 'skipped';
  error?: string;
}

export const syncProgressQuery = defineQuery<SyncProgress>('progress');
