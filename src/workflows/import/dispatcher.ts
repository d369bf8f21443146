// The partition dispatcher of the historical import, as pure decisions: which partition chunk
// starts next, when to fetch the next batch of partitions from PostgreSQL, when to wait (paused,
// every slot taken) and when the import is through. A partition whose chunk ended unfinished goes
// back to the front of the queue. No Temporal here: the workflow acts on what it is told.
import type { PartitionRef } from '../../activities/import-activities.js';
import type { Limiter } from '../limiter.js';

export type DispatchStep =
  { kind: 'start' } | { kind: 'fetch'; afterSeq: number } | { kind: 'wait' } | { kind: 'finished' };

/** A partition that has run at least one chunk and is not done yet. */
export interface PartitionInProgress {
  since: string;
  chunks: number;
}

export class PartitionDispatcher {
  readonly #queue: PartitionRef[] = [];
  #afterSeq = -1;
  #exhausted = false;
  readonly #running = new Set<string>();
  readonly #unfinished = new Map<string, PartitionInProgress>();

  /** `slots` bounds the chunks running at once; its limit is the import's concurrency. */
  constructor(private readonly slots: Pick<Limiter, 'hasRoom' | 'acquire' | 'release'>) {}

  /** Every partition was fetched, and none is queued or running. */
  get finished(): boolean {
    return this.#exhausted && this.#queue.length === 0 && this.#running.size === 0;
  }

  get idle(): boolean {
    return this.#running.size === 0;
  }

  get running(): number {
    return this.#running.size;
  }

  next(paused: boolean): DispatchStep {
    if (this.finished) return { kind: 'finished' };
    if (paused || !this.slots.hasRoom) return { kind: 'wait' };
    if (this.#queue.length > 0) return { kind: 'start' };
    if (!this.#exhausted) return { kind: 'fetch', afterSeq: this.#afterSeq };
    return { kind: 'wait' };
  }

  /** A batch from PostgreSQL, in order after the last one; an empty batch means there are no more. */
  received(batch: readonly PartitionRef[]): void {
    const last = batch[batch.length - 1];
    if (last === undefined) {
      this.#exhausted = true;
      return;
    }
    this.#afterSeq = last.seq;
    this.#queue.push(...batch);
  }

  /** Takes the head of the queue into a slot (after `next` said `start`); `chunk` counts from 1. */
  start(now: string): { ref: PartitionRef; chunk: number } {
    const ref = this.#queue.shift();
    if (ref === undefined) throw new Error('no partition queued to start');
    this.slots.acquire();
    const entry = this.#unfinished.get(ref.key) ?? { since: now, chunks: 0 };
    entry.chunks += 1;
    this.#unfinished.set(ref.key, entry);
    this.#running.add(ref.key);
    return { ref, chunk: entry.chunks };
  }

  /** A chunk ended; `more` puts its partition back at the front of the queue. */
  ended(ref: PartitionRef, more: boolean): void {
    if (!this.#running.delete(ref.key)) throw new Error(`partition ${ref.key} was not running`);
    this.slots.release();
    if (more) this.#queue.unshift(ref);
    else this.#unfinished.delete(ref.key);
  }

  /** The partitions running now, for the progress query. */
  runningPartitions(fallbackSince: string): { key: string; since: string; chunks: number }[] {
    return [...this.#running].map((key) => ({
      key,
      since: this.#unfinished.get(key)?.since ?? fallbackSince,
      chunks: this.#unfinished.get(key)?.chunks ?? 0,
    }));
  }
}
