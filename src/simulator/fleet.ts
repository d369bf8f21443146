/**
 * Several AFAS environments in one simulator process (`npm run bench:fleet`): each environment is
 * a whole simulator of its own (data, seed, size, tokens, OAuth clients, faults, request log,
 * concurrency count) under its own path, `/{id}/ProfitRestServices` and `/{id}/__sim`. AFAS Online
 * tells environments apart by host name (`https://{id}.rest.afas.online`); a path prefix is the
 * same thing on one port: every environment has its own base URL, so a client (and the worker's
 * per-environment budget, keyed on id + base URL) sees distinct environments, and a token sent to
 * the wrong environment is refused there as AFAS would.
 */
import { createSimulatorContext, type SimulatorContext } from './context.js';
import { resolveOptions, type SimulatorOptions } from './options.js';
import { closeServer, listenRouted } from './server.js';

/** One environment of the fleet: the options of a lone simulator, without host and port. */
export interface SimulatorEnvironmentSpec extends Omit<SimulatorOptions, 'host' | 'port' | 'control'> {
  /** Path segment the environment is served under: 1–10 digits, like an AFAS participant number. */
  id: string;
}

export interface SimulatorFleetOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Enable every environment's control API under `/{id}/__sim` (default false). */
  control?: boolean;
  environments: readonly SimulatorEnvironmentSpec[];
}

export interface FleetEnvironment {
  id: string;
  /** http://127.0.0.1:PORT/{id}: the environment's root (its control API is under `/__sim`). */
  url: string;
  /** url + '/ProfitRestServices': what the AFAS client takes as its base URL. */
  baseUrl: string;
}

export interface RunningSimulatorFleet {
  url: string;
  port: number;
  environments: FleetEnvironment[];
  close(): Promise<void>;
}

/** Most environments one process serves: each holds its whole data set in memory. */
export const MAX_FLEET_ENVIRONMENTS = 2_000;

function checkIds(environments: readonly SimulatorEnvironmentSpec[]): void {
  if (environments.length === 0) throw new RangeError('simulator fleet: environments must name at least one');
  if (environments.length > MAX_FLEET_ENVIRONMENTS)
    throw new RangeError(
      `simulator fleet: at most ${MAX_FLEET_ENVIRONMENTS} environments, got ${environments.length}`,
    );
  const seen = new Set<string>();
  for (const { id } of environments) {
    if (typeof id !== 'string' || !/^\d{1,10}$/.test(id))
      throw new RangeError(
        `simulator fleet: environment id must be 1 to 10 digits, got ${JSON.stringify(id)}`,
      );
    if (seen.has(id)) throw new RangeError(`simulator fleet: environment id ${id} is listed twice`);
    seen.add(id);
  }
}

/** Generates every environment's data, starts one HTTP server for all and resolves once it listens. */
export async function startSimulatorFleet(options: SimulatorFleetOptions): Promise<RunningSimulatorFleet> {
  checkIds(options.environments);
  const host = options.host ?? '127.0.0.1';
  const contexts = new Map<string, SimulatorContext>();
  for (const { id, ...spec } of options.environments) {
    let resolved;
    try {
      resolved = resolveOptions({
        environmentId: `O${id}AA`,
        ...spec,
        host,
        port: 0,
        control: options.control ?? false,
      });
    } catch (error) {
      // Name the environment whose options were wrong.
      if (error instanceof RangeError) throw new RangeError(`environment ${id}: ${error.message}`);
      throw error;
    }
    contexts.set(id, createSimulatorContext(resolved));
  }
  const { server, port } = await listenRouted(
    (target) => {
      const match = /^\/(\d{1,10})(\/.*|\?.*)?$/.exec(target);
      const sim = match ? contexts.get(match[1] as string) : undefined;
      return sim === undefined ? undefined : { sim, target: match?.[2] ?? '/' };
    },
    { host, port: options.port ?? 0 },
  );
  // A server listening on every interface is reached on the loopback address.
  const reachable = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    environments: [...contexts.keys()].map((id) => ({
      id,
      url: `${url}/${id}`,
      baseUrl: `${url}/${id}/ProfitRestServices`,
    })),
    close: () => {
      closing ??= closeServer(server);
      return closing;
    },
  };
}
