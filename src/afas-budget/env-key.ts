// Which AFAS environment a call goes to, and how many calls that environment may have in flight.
// Pure: the budget (env-budget.ts) and the worker's clients both key on these.
import { resolveBaseUrl, type EnvironmentType } from '../afas/index.js';

/** AFAS's guidance: at most five simultaneous calls per environment (reference §4.1). */
export const MAX_CALLS_PER_ENVIRONMENT = 5;

/** Where a source's calls go, as a source row or a sealed credential's binding records it. */
export interface EnvironmentAddress {
  environmentId: string;
  environmentType: EnvironmentType;
  baseUrl: string | null;
}

/**
 * The budget's key for an environment: type, id and the base URL calls go to (resolved, so a
 * source without an override and one naming AFAS Online's URL explicitly share a budget). Two
 * sources pointing at the same simulator or proxy with different environment ids stay apart, as
 * the issue defines an environment (id + type + base URL). Throws AfasUsageError for an address
 * no client could call.
 */
export function environmentKey(address: EnvironmentAddress): string {
  // allowInsecureHttp: the key only names the URL; whether plain http may carry the credential
  // is the client's check, made when it is built.
  const url = resolveBaseUrl({
    environmentId: address.environmentId,
    environmentType: address.environmentType,
    ...(address.baseUrl ? { baseUrl: address.baseUrl } : {}),
    allowInsecureHttp: true,
  });
  return `${address.environmentType}:${address.environmentId}@${url}`;
}

/** A source as the budget sees it: where it calls, and how many calls it allows itself. */
export interface BudgetSource extends EnvironmentAddress {
  maxConcurrency: number;
}

/**
 * Each environment's limit: the smallest maxConcurrency of the sources on it (an operator who
 * lowers one source's concurrency because the environment struggles lowers it for all of them),
 * within 1..5. A source whose address cannot be resolved is left out (its client cannot be built
 * either).
 */
export function limitsByEnvironment(sources: readonly BudgetSource[]): Map<string, number> {
  const limits = new Map<string, number>();
  for (const source of sources) {
    let key: string;
    try {
      key = environmentKey(source);
    } catch {
      continue;
    }
    const own = Math.max(1, Math.min(MAX_CALLS_PER_ENVIRONMENT, Math.floor(source.maxConcurrency)));
    limits.set(key, Math.min(limits.get(key) ?? own, own));
  }
  return limits;
}

/** The next pause while waiting for a place: doubling from `first` to `max`, each jittered ±50 %. */
export function nextPause(previousMs: number, bounds: { firstMs: number; maxMs: number }): number {
  return previousMs <= 0 ? bounds.firstMs : Math.min(bounds.maxMs, previousMs * 2);
}

export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(ms * (0.5 + random())));
}
