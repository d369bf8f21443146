// AFAS's per-environment budget of concurrent calls, shared by every worker (issue 17.3). Sync,
// import and write-back all reach AFAS through clients built with `gateFor`.
import type { AfasCallGate } from '../afas/index.js';
import type { EnvBudget } from './env-budget.js';

export { DEFAULT_CALL_LEASE_MS, EnvBudget, type EnvBudgetOptions } from './env-budget.js';
export {
  environmentKey,
  limitsByEnvironment,
  MAX_CALLS_PER_ENVIRONMENT,
  type BudgetSource,
  type EnvironmentAddress,
} from './env-key.js';
export { PgCallSlots, type CallSlots } from './slot-store.js';
export { SourceLimits } from './source-limits.js';

/** The gate an AfasClient for this environment sends every request through. */
export function gateFor(budget: EnvBudget, envKey: string): AfasCallGate {
  return (signal, send) => budget.withCall(envKey, signal, send);
}
