import { Prng } from './prng.js';

export const FAULT_KINDS = [
  'locked',
  'unavailable',
  'slow',
  'reset',
  'malformed-json',
  'blocked',
  'timeout-message',
  'out-of-memory',
  'unexpected',
  'ambiguous-reset',
  'ambiguous-timeout',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Which calls a rule targets: the connector routes (metainfo, GetConnectors, UpdateConnectors,
 * profitversion; the default, so rules written before OAuth keep their meaning), the OAuth token
 * endpoint, or both.
 */
export const FAULT_ENDPOINTS = ['connectors', 'token', 'any'] as const;
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number];

export interface FaultRuleInput {
  readonly kind: FaultKind;
  /** Only calls on this connector (GetConnector or UpdateConnector id); default every AFAS call. */
  readonly connector?: string | undefined;
  /** Default `connectors`. Only edge kinds (unavailable, slow, reset) can target the token endpoint. */
  readonly endpoint?: FaultEndpoint | undefined;
  /** Fire on the next N matching calls, then disappear; default unlimited. */
  readonly count?: number | undefined;
  /** Fire on this share (0..1) of matching calls, chosen by a seeded PRNG; default all. */
  readonly fraction?: number | undefined;
  /** For `unavailable`: the Retry-After / retry_after value (default 120; null = send neither). */
  readonly retryAfterSeconds?: number | null | undefined;
  /**
   * For `slow`: the delay before handling the call (default 2000). For `ambiguous-timeout`: how
   * long after its arrival the (already applied) call answers (default 2000; set it above the
   * client's time-out).
   */
  readonly delayMs?: number | undefined;
}

export interface FaultRule extends FaultRuleInput {
  readonly id: number;
  /** Firings left, or null when unlimited. */
  remaining: number | null;
  matched: number;
  fired: number;
}

/**
 * Where a fault applies. Edge faults (maintenance, slowness, dropped connections) happen before
 * authentication, like AFAS Online's proxy; Profit faults after the token and connector checks.
 */
export type FaultPhase = 'edge' | 'profit';

const EDGE_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>(['unavailable', 'slow', 'reset']);

export function faultPhase(kind: FaultKind): FaultPhase {
  return EDGE_KINDS.has(kind) ? 'edge' : 'profit';
}

export class FaultRegistry {
  private rules: FaultRule[] = [];
  private nextId = 1;
  private readonly prng: Prng;

  constructor(seed: number) {
    this.prng = new Prng(seed, 6_001);
  }

  /** Adds a rule; throws a RangeError naming the conflict when it cannot match anything. */
  add(input: FaultRuleInput): FaultRule {
    const endpoint = input.endpoint ?? 'connectors';
    if (endpoint === 'token' && faultPhase(input.kind) !== 'edge') {
      throw new RangeError(
        `fault kind '${input.kind}' cannot target the token endpoint (only ${[...EDGE_KINDS].join(', ')})`,
      );
    }
    if (endpoint === 'token' && input.connector !== undefined) {
      throw new RangeError('a fault on the token endpoint cannot name a connector');
    }
    const rule: FaultRule = {
      ...input,
      id: this.nextId++,
      remaining: input.count ?? null,
      matched: 0,
      fired: 0,
    };
    this.rules.push(rule);
    return rule;
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  clear(): number {
    const removed = this.rules.length;
    this.rules = [];
    return removed;
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  /** The first rule of this phase that fires for the call (consuming one of its firings), if any. */
  pick(
    phase: FaultPhase,
    connector: string | undefined,
    endpoint: Exclude<FaultEndpoint, 'any'> = 'connectors',
  ): FaultRule | undefined {
    for (const rule of this.rules) {
      if (faultPhase(rule.kind) !== phase) continue;
      const target = rule.endpoint ?? 'connectors';
      if (target !== 'any' && target !== endpoint) continue;
      if (rule.connector !== undefined && rule.connector !== connector) continue;
      rule.matched++;
      if (rule.fraction !== undefined && this.prng.next() >= rule.fraction) continue;
      rule.fired++;
      if (rule.remaining !== null) {
        rule.remaining--;
        if (rule.remaining <= 0) this.remove(rule.id);
      }
      return { ...rule };
    }
    return undefined;
  }
}
