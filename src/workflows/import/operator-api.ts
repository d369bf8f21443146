// The operator API of a running historical import: the progress query, pause/resume signals
// and the concurrency update (validated before it enters history).
import { log, setHandler } from '@temporalio/workflow';
import {
  importProgressQuery,
  MAX_IMPORT_CONCURRENCY,
  pauseImportSignal,
  resumeImportSignal,
  setImportConcurrencyUpdate,
} from '../definitions.js';
import type { ImportRunState } from './run-state.js';

/** Why a concurrency is refused, or null when it is a whole number from 1 to the maximum. */
export function concurrencyProblem(concurrency: unknown): string | null {
  if (
    typeof concurrency === 'number' &&
    Number.isInteger(concurrency) &&
    concurrency >= 1 &&
    concurrency <= MAX_IMPORT_CONCURRENCY
  )
    return null;
  return `concurrency must be a whole number from 1 to ${MAX_IMPORT_CONCURRENCY} (got ${String(concurrency)})`;
}

export function handleOperators(state: ImportRunState): void {
  const source = state.progress.source;
  setHandler(importProgressQuery, () => state.snapshot());
  setHandler(pauseImportSignal, () => {
    if (state.setPaused(true))
      log.info('historical import paused', { source, importId: state.progress.importId });
  });
  setHandler(resumeImportSignal, () => {
    if (state.setPaused(false))
      log.info('historical import resumed', { source, importId: state.progress.importId });
  });
  setHandler(
    setImportConcurrencyUpdate,
    (concurrency) => {
      state.setConcurrency(concurrency);
      state.concurrencyChosen = true;
      log.info('historical import concurrency changed', { source, concurrency });
      return { concurrency };
    },
    {
      validator: (concurrency) => {
        const problem = concurrencyProblem(concurrency);
        if (problem) throw new Error(problem);
      },
    },
  );
}
