/**
 * AFAS Profit REST simulator: a local, deterministic stand-in for an AFAS Online environment
 * (GetConnectors, metainfo, FiEntries, errors and faults). See README.md in this folder.
 */
import { createSimulatorContext } from './context.js';
import { resolveOptions, type SimulatorOptions } from './options.js';
import { closeServer, listen } from './server.js';

export type { SimulatorOAuthClientSpec, SimulatorOptions, SimulatorTokenSpec } from './options.js';
export { afasTokenHeader } from './auth.js';
export {
  MAX_FLEET_ENVIRONMENTS,
  startSimulatorFleet,
  type FleetEnvironment,
  type RunningSimulatorFleet,
  type SimulatorEnvironmentSpec,
  type SimulatorFleetOptions,
} from './fleet.js';
export { parseSimulatorArgs, simulatorMain, SimulatorArgsError } from './cli.js';

export interface RunningSimulator {
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + '/ProfitRestServices' — what the AFAS client takes as its base URL. */
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Generates the data set, starts the HTTP server and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const resolved = resolveOptions(options);
  const context = createSimulatorContext(resolved);
  const { server, port } = await listen(context);
  const url = `http://${urlHost(resolved.host)}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl: `${url}/ProfitRestServices`,
    port,
    close: () => {
      closing ??= closeServer(server);
      return closing;
    },
  };
}
