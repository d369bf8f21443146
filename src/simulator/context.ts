import { TokenRegistry } from './auth.js';
import { createClock, type Clock } from './clock.js';
import { ALL_GET_CONNECTOR_IDS } from './connectors/catalog.js';
import { UPDATE_CONNECTORS } from './connectors/update-catalog.js';
import { Ledger } from './domain/ledger.js';
import { SimulatorData } from './domain/simulator-data.js';
import { CallConcurrency } from './concurrency.js';
import { FaultRegistry } from './faults.js';
import { OAuthRegistry } from './oauth/clients.js';
import { CustomConnectorRegistry } from './store/custom-connectors.js';
import type { ResolvedOptions } from './options.js';
import { ResultCache } from './query/result-cache.js';
import { OrderScrambler } from './query/scrambler.js';
import { RequestLog } from './request-log.js';
import { WriteConditions } from './write-conditions.js';

/** Everything one running simulator consists of. */
export interface SimulatorContext {
  readonly options: ResolvedOptions;
  readonly clock: Clock;
  readonly data: SimulatorData;
  readonly ledger: Ledger;
  readonly tokens: TokenRegistry;
  /** OAuth 2 clients and their access tokens (beside the classic tokens). */
  readonly oauth: OAuthRegistry;
  readonly faults: FaultRegistry;
  /** A timed booking-layout lock and the answer latency of UpdateConnector writes. */
  readonly writes: WriteConditions;
  /** GetConnectors registered through `/__sim/custom-connectors` (hostile-input tests). */
  readonly customConnectors: CustomConnectorRegistry;
  readonly requestLog: RequestLog;
  /** Connector calls being answered now, and the most at once (`/__sim/concurrency`). */
  readonly concurrency: CallConcurrency;
  readonly resultCache: ResultCache;
  readonly scrambler: OrderScrambler;
  /** Counter for defaults that must differ per call (e.g. the seed of a random mutation). */
  readonly sequence: { next(): number };
  /** Real time the simulator was created (epoch ms). */
  readonly startedAtMs: number;
}

export const ALL_CONNECTOR_IDS: ReadonlySet<string> = new Set([
  ...ALL_GET_CONNECTOR_IDS,
  ...UPDATE_CONNECTORS.map((spec) => spec.id),
]);

function counter(): { next(): number } {
  let value = 0;
  return { next: () => ++value };
}

export function createSimulatorContext(options: ResolvedOptions): SimulatorContext {
  const clock = createClock(options.now);
  const data = new SimulatorData({
    seed: options.seed,
    administrations: options.administrations,
    years: options.years,
    linesPerYear: options.linesPerYear,
    finstackAdministrationIds: options.finstackAdministrationIds,
    asOfWall: clock.todayWall(),
  });
  return {
    options,
    clock,
    data,
    ledger: new Ledger(data.journal, data.changedDays, clock),
    tokens: new TokenRegistry(options.tokens, ALL_CONNECTOR_IDS),
    oauth: new OAuthRegistry(
      options.oauthClients,
      options.oauthTokenTtlSeconds,
      ALL_CONNECTOR_IDS,
      clock,
      options.oauthBasicEncoding,
    ),
    faults: new FaultRegistry(options.seed),
    writes: new WriteConditions(options.updateLatencyMs),
    customConnectors: new CustomConnectorRegistry(),
    requestLog: new RequestLog(),
    concurrency: new CallConcurrency(),
    resultCache: new ResultCache(),
    scrambler: new OrderScrambler(options.seed),
    sequence: counter(),
    startedAtMs: Date.now(),
  };
}
