// AFAS's per-environment limit of concurrent calls, held across every worker process (issue 17.3).
//
// Design: PostgreSQL coordinates. Each environment has five rows in afas_call_slots; a call takes
// one of the first N (N = the environment's limit, see env-key.ts) with one UPDATE … FOR UPDATE
// SKIP LOCKED that stamps a lease (holder, expiry), and frees it with a second UPDATE once the
// answer is read. Nothing is held in PostgreSQL while the call runs: no transaction, no pool
// connection (advisory locks would need a connection per call in flight and so starve the
// bounded pool). A crashed worker's place frees itself when its lease expires; a live holder
// renews its lease every third of it, so a slow AFAS answer keeps its place however long it takes.
// A caller that finds no place waits with doubling, jittered pauses (and wakes at once when a
// call of this process frees a place of the same environment); waiting honours the caller's
// abort signal. The activity scope's heartbeat timer keeps running meanwhile, and the AFAS
// session counts calls and retries only around the request, so waiting is neither.
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { AfasAbortError } from '../afas/index.js';
import { jittered, nextPause } from './env-key.js';
import type { CallSlots } from './slot-store.js';

export interface EnvBudgetOptions {
  slots: CallSlots;
  /** The environment's limit (1..5); asked once per call. */
  limitOf: (envKey: string) => Promise<number>;
  /** How long a place stays taken without renewal: a crashed worker's place is free after this. */
  leaseMs?: number;
  /** Pauses while waiting for a place: the first, and the longest. */
  pollMs?: { firstMs: number; maxMs: number };
  /** Called after each place taken, with how long the caller waited (ms). */
  onAcquired?: (envKey: string, waitedMs: number) => void;
  /** A renewal or release went wrong (logged by the worker; the call itself goes on). */
  onProblem?: (envKey: string, problem: string) => void;
  random?: () => number;
}

export const DEFAULT_CALL_LEASE_MS = 30_000;
const DEFAULT_POLL = { firstMs: 5, maxMs: 100 };

interface Held {
  envKey: string;
  slot: number;
  holder: string;
}

export class EnvBudget {
  private readonly leaseMs: number;
  private readonly poll: { firstMs: number; maxMs: number };
  /** Names this process in afas_call_slots.holder, so an operator can see who holds a place. */
  private readonly processId = `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
  private sequence = 0;
  /** Environments whose rows this process has made sure of. */
  private readonly ensured = new Map<string, Promise<void>>();
  /** Callers of this process waiting for a place, per environment: woken when one is freed here. */
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(private readonly options: EnvBudgetOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_CALL_LEASE_MS;
    if (!Number.isInteger(this.leaseMs) || this.leaseMs < 1_000)
      throw new RangeError(`the AFAS call lease must be at least 1000 ms, got ${String(options.leaseMs)}`);
    this.poll = options.pollMs ?? DEFAULT_POLL;
  }

  /**
   * Runs `fn` (one AFAS request) in a place of the environment's budget: waits until one is free,
   * holds it while `fn` runs, frees it after. Throws AfasAbortError when `signal` aborts first.
   */
  async withCall<T>(envKey: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    const held = await this.acquire(envKey, signal);
    const renewal = setInterval(() => void this.renew(held), Math.floor(this.leaseMs / 3));
    renewal.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renewal);
      await this.release(held);
    }
  }

  private async acquire(envKey: string, signal: AbortSignal | undefined): Promise<Held> {
    const started = performance.now();
    const limit = await this.options.limitOf(envKey);
    await this.ensure(envKey);
    const holder = `${this.processId}#${++this.sequence}`;
    let pause = 0;
    for (;;) {
      if (signal?.aborted) throw aborted(envKey);
      const slot = await this.options.slots.tryAcquire(envKey, limit, holder, this.leaseMs);
      if (slot !== null) {
        this.options.onAcquired?.(envKey, performance.now() - started);
        return { envKey, slot, holder };
      }
      pause = nextPause(pause, this.poll);
      await this.wait(envKey, jittered(pause, this.options.random), signal);
    }
  }

  private ensure(envKey: string): Promise<void> {
    let done = this.ensured.get(envKey);
    if (!done) {
      done = this.options.slots.ensure(envKey);
      // A failed attempt (database down) is tried again by the next call.
      done.catch(() => this.ensured.delete(envKey));
      this.ensured.set(envKey, done);
    }
    return done;
  }

  /** Sleeps `ms`, or less when a place of this environment is freed here; rejects on abort. */
  private wait(envKey: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let waiting = this.waiters.get(envKey);
      if (!waiting) this.waiters.set(envKey, (waiting = new Set()));
      const set = waiting;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(envKey);
      };
      const wake = () => {
        done();
        resolve();
      };
      const onAbort = () => {
        done();
        reject(aborted(envKey));
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async renew(held: Held): Promise<void> {
    try {
      const kept = await this.options.slots.renew(held.envKey, held.slot, held.holder, this.leaseMs);
      if (!kept) this.options.onProblem?.(held.envKey, `the lease on place ${held.slot} was lost`);
    } catch (error) {
      this.options.onProblem?.(held.envKey, `renewing place ${held.slot} failed: ${messageOf(error)}`);
    }
  }

  /** Frees the place; a failure (database gone) only delays it until the lease expires. */
  private async release(held: Held): Promise<void> {
    try {
      await this.options.slots.release(held.envKey, held.slot, held.holder);
    } catch (error) {
      this.options.onProblem?.(held.envKey, `freeing place ${held.slot} failed: ${messageOf(error)}`);
    }
    // Callers of this process waiting for this environment try again now, not after their pause.
    for (const wake of [...(this.waiters.get(held.envKey) ?? [])]) wake();
  }
}

function aborted(envKey: string): AfasAbortError {
  return new AfasAbortError(`waiting for a place in the AFAS call budget of ${envKey} was aborted`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
