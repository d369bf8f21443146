// Requests (`afas-sync sync --full`, `--allow-mass-delete`) that reach a sync while it runs: they
// are merged here and done by a follow-up run that starts the moment this one ends.
import type { RunRequest } from '../../activities/types.js';
import type { SyncRequest } from '../definitions.js';
import type { SyncOptions } from './types.js';

/** The requests signalled to one run, merged: one follow-up run does them all. */
export class QueuedRequests {
  #pending: SyncRequest | undefined;

  /** Adds a request; returns everything queued so far. */
  add(request: SyncRequest): SyncRequest {
    const merged: SyncRequest = { ...this.#pending };
    if (request.full === true) merged.full = true;
    if (request.allowMassDelete === true) merged.allowMassDelete = true;
    this.#pending = merged;
    return merged;
  }

  /** What the follow-up run must do; undefined when nothing was asked. */
  get pending(): SyncRequest | undefined {
    return this.#pending;
  }
}

/** The follow-up run's options: this run's, with the operator's flags replaced by the queued ones. */
export function followUpOptions(options: SyncOptions, queued: SyncRequest): SyncOptions {
  const next: SyncOptions = { ...options };
  delete next.full;
  delete next.allowMassDelete;
  return { ...next, ...runRequest(queued) };
}

/**
 * The flags a run was asked for, only those set: activity inputs of a plain run stay exactly as
 * they were before these flags existed (recorded histories replay unchanged).
 */
export function runRequest(options: SyncRequest): RunRequest {
  return {
    ...(options.full === true ? { full: true } : {}),
    ...(options.allowMassDelete === true ? { allowMassDelete: true } : {}),
  };
}
