import { ControlError } from '../errors.js';
import type { ControlCall } from './control-call.js';
import { handleConcurrency } from './concurrency.js';
import { handleCustomConnectors } from './custom-connectors.js';
import { handleExport } from './export.js';
import { handleFaults } from './faults.js';
import { handleJournalLines } from './journal-lines.js';
import { handleFinstackAdministrations, handleMaster } from './master.js';
import { handleMutateRandom } from './mutate-random.js';
import { handleOAuth } from './oauth.js';
import { handlePeriodBalances } from './period-balances.js';
import { handleRequests } from './requests.js';
import { handleTokens } from './tokens.js';
import { handleBlockedPeriods, handleBookingLock, handleUpdateLatency } from './write-conditions.js';

async function handleHealth(call: ControlCall): Promise<void> {
  if (call.method !== 'GET') throw new ControlError(405, 'use GET /__sim/health');
  const { data, options } = call.sim;
  await call.response.sendJson(200, {
    status: 'ok',
    seed: options.seed,
    administrations: data.master.administrations.all().length,
    years: options.years,
    journalLines: data.journal.liveCount(),
    changedBookingDays: data.changedDays.size(),
    uptimeSeconds: Math.round((Date.now() - call.sim.startedAtMs) / 1000),
  });
}

const HANDLERS: Readonly<Record<string, (call: ControlCall) => Promise<void>>> = {
  health: handleHealth,
  faults: handleFaults,
  'journal-lines': handleJournalLines,
  'mutate-random': handleMutateRandom,
  'period-balances': handlePeriodBalances,
  master: handleMaster,
  'finstack-administrations': handleFinstackAdministrations,
  tokens: handleTokens,
  oauth: handleOAuth,
  requests: handleRequests,
  concurrency: handleConcurrency,
  export: handleExport,
  'custom-connectors': handleCustomConnectors,
  'booking-lock': handleBookingLock,
  'update-latency': handleUpdateLatency,
  'blocked-periods': handleBlockedPeriods,
};

/** Dispatches `/__sim/{resource}/…` to its handler. */
export async function handleControlCall(call: ControlCall): Promise<void> {
  const resource = call.segments[0] ?? '';
  const handler = Object.hasOwn(HANDLERS, resource) ? HANDLERS[resource] : undefined;
  if (handler === undefined) throw new ControlError(404, `unknown control resource '/__sim/${resource}'`);
  await handler(call);
}
