import {
  checkClientId,
  checkClientSecret,
  checkTokenTtl,
  type SimulatorOAuthClientSpec,
} from './oauth/clients.js';
import { BASIC_ENCODINGS } from './oauth/token-request.js';
import type { SimulatorOptions } from './options.js';
import { DEFAULT_TOKEN } from './options.js';
import { checkUpdateLatency } from './write-conditions.js';

/** A bad command-line value; the message is one line naming the flag. */
export class SimulatorArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatorArgsError';
  }
}

export const SIMULATOR_USAGE = `Usage: afas-sync simulator [options]

  --port P                 TCP port (default 0 = a free port)
  --host H                 interface to listen on (default 127.0.0.1)
  --seed N                 data seed (default 1)
  --scale S                journal lines per administration-year = 2000 × S (default 1)
  --lines-per-year N       exact journal lines per administration-year (overrides --scale)
  --administrations N      number of administrations (default 2)
  --years 2024,2025,2026   booking years (default: the last three)
  --finstack-admins 1,2    administrations exposed by Finstack_Administrations (default all)
  --token T                accepted token data string, repeatable (default 'demo')
  --oauth-client ID:SECRET OAuth 2 client (client credentials grant), repeatable; test secrets only
  --oauth-token-ttl T      access-token lifetime: 300, 300s, 5m or 1h (default 3600 s)
  --oauth-basic-encoding E HTTP Basic credentials the token endpoint takes: both, raw or urlencoded (default both)
  --language nl-nl|en-us   environment base language (default nl-nl)
  --update-latency T       every UpdateConnector write answers no sooner than T after it arrived:
                           200, 200ms or 0.2s (default 0)
  --control                enable the /__sim control API
  --help                   show this help`;

function integer(flag: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim()))
    throw new SimulatorArgsError(`${flag}: expected an integer, got '${text}'`);
  const value = Number(text);
  if (value < min || value > max) {
    throw new SimulatorArgsError(`${flag}: expected a value from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function integerList(flag: string, text: string, min: number, max: number): number[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new SimulatorArgsError(`${flag}: expected a comma-separated list of integers, got '${text}'`);
  }
  const values = items.map((item) => integer(flag, item, min, max));
  if (new Set(values).size !== values.length)
    throw new SimulatorArgsError(`${flag}: values must not repeat, got '${text}'`);
  return values;
}

const VALUE_FLAGS = new Set([
  '--port',
  '--host',
  '--seed',
  '--scale',
  '--lines-per-year',
  '--administrations',
  '--years',
  '--finstack-admins',
  '--token',
  '--oauth-client',
  '--oauth-token-ttl',
  '--oauth-basic-encoding',
  '--language',
  '--update-latency',
]);

/** `ID:SECRET` (split at the first `:`; the secret may hold more). Errors never quote the secret. */
function oauthClient(text: string): SimulatorOAuthClientSpec {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    throw new SimulatorArgsError('--oauth-client: expected ID:SECRET with a non-empty id and secret');
  }
  const clientId = text.slice(0, colon);
  const clientSecret = text.slice(colon + 1);
  try {
    checkClientSecret(checkClientId(clientId), clientSecret);
  } catch (error) {
    if (error instanceof RangeError) throw new SimulatorArgsError(`--oauth-client: ${error.message}`);
    throw error;
  }
  return { clientId, clientSecret };
}

const TTL_UNITS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3_600 };

/** `300`, `300s`, `5m`, `1h` → seconds. */
export function parseTokenTtl(text: string): number {
  const match = /^(\d+)\s*([smh]?)$/i.exec(text.trim());
  const seconds =
    match === null ? NaN : Number(match[1]) * (TTL_UNITS[(match[2] ?? '').toLowerCase()] ?? NaN);
  try {
    return checkTokenTtl(seconds);
  } catch {
    throw new SimulatorArgsError(
      `--oauth-token-ttl: expected a lifetime like 300, 300s, 5m or 1h (1 s to 366 days), got '${text}'`,
    );
  }
}

/** `200`, `200ms`, `0.2s` → whole milliseconds. */
export function parseUpdateLatency(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/i.exec(text.trim());
  const ms = match === null ? NaN : Number(match[1]) * ((match[2] ?? 'ms').toLowerCase() === 's' ? 1000 : 1);
  try {
    return checkUpdateLatency(Math.round(ms * 1000) / 1000);
  } catch {
    throw new SimulatorArgsError(
      `--update-latency: expected a whole number of ms like 200, 200ms or 0.2s (at most 600s), got '${text}'`,
    );
  }
}

/**
 * Parses the `afas-sync simulator` flags (the arguments after the sub-command). Accepts
 * `--flag value` and `--flag=value`. Throws {@link SimulatorArgsError} with a one-line message.
 * Returns undefined for `--help`.
 */
export function parseSimulatorArgs(argv: readonly string[]): SimulatorOptions | undefined {
  const options: SimulatorOptions = {};
  const tokens: string[] = [];
  const oauthClients: SimulatorOAuthClientSpec[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const equals = arg.indexOf('=');
    const flag = arg.startsWith('--') && equals !== -1 ? arg.slice(0, equals) : arg;
    if (flag === '--help' || flag === '-h') return undefined;
    if (flag === '--control') {
      if (equals !== -1) throw new SimulatorArgsError('--control takes no value');
      options.control = true;
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) throw new SimulatorArgsError(`unknown option '${arg}' (see --help)`);
    let value: string;
    if (equals !== -1) value = arg.slice(equals + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new SimulatorArgsError(`${flag}: missing value`);
      value = next;
      i++;
    }
    switch (flag) {
      case '--port':
        options.port = integer(flag, value, 0, 65_535);
        break;
      case '--host':
        if (value.trim() === '') throw new SimulatorArgsError('--host: missing value');
        options.host = value;
        break;
      case '--seed':
        options.seed = integer(flag, value, -(2 ** 31), 2 ** 32 - 1);
        break;
      case '--scale': {
        const scale = Number(value);
        if (value.trim() === '' || !Number.isFinite(scale) || scale <= 0) {
          throw new SimulatorArgsError(`--scale: expected a positive number, got '${value}'`);
        }
        options.scale = scale;
        break;
      }
      case '--lines-per-year': {
        const lines = integer(flag, value, 0, 50_000_000);
        if (lines === 1) throw new SimulatorArgsError('--lines-per-year: must be 0 or at least 2');
        options.linesPerYear = lines;
        break;
      }
      case '--administrations':
        options.administrations = integer(flag, value, 1, 999);
        break;
      case '--years':
        options.years = integerList(flag, value, 1900, 9999);
        break;
      case '--finstack-admins':
        options.finstackAdministrationIds = integerList(flag, value, 1, 999);
        break;
      case '--token':
        if (value.trim() === '' || value.includes('<')) {
          throw new SimulatorArgsError(`--token: expected the token's data string, got '${value}'`);
        }
        tokens.push(value);
        break;
      case '--oauth-client': {
        const client = oauthClient(value);
        if (oauthClients.some((other) => other.clientId === client.clientId)) {
          throw new SimulatorArgsError(`--oauth-client: client '${client.clientId}' is given twice`);
        }
        oauthClients.push(client);
        break;
      }
      case '--oauth-token-ttl':
        options.oauthTokenTtlSeconds = parseTokenTtl(value);
        break;
      case '--oauth-basic-encoding': {
        const encoding = BASIC_ENCODINGS.find((name) => name === value);
        if (encoding === undefined) {
          throw new SimulatorArgsError(
            `--oauth-basic-encoding: expected ${BASIC_ENCODINGS.join(', ')}, got '${value}'`,
          );
        }
        options.oauthBasicEncoding = encoding;
        break;
      }
      case '--language':
        if (value !== 'nl-nl' && value !== 'en-us') {
          throw new SimulatorArgsError(`--language: expected nl-nl or en-us, got '${value}'`);
        }
        options.language = value;
        break;
      case '--update-latency':
        options.updateLatencyMs = parseUpdateLatency(value);
        break;
    }
  }
  if (tokens.length > 0) options.tokens = tokens.map((token) => ({ token }));
  if (oauthClients.length > 0) options.oauthClients = oauthClients;
  return options;
}

/**
 * Runs the simulator from the command line: parses the flags, starts the server, prints the base
 * URL and runs until SIGINT or SIGTERM. Bad flags print one line to stderr and set exit code 2.
 */
export async function simulatorMain(argv: string[]): Promise<void> {
  let options: SimulatorOptions | undefined;
  try {
    options = parseSimulatorArgs(argv);
  } catch (error) {
    if (!(error instanceof SimulatorArgsError)) throw error;
    process.stderr.write(`afas-sync simulator: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === undefined) {
    process.stdout.write(`${SIMULATOR_USAGE}\n`);
    return;
  }
  const { startSimulator } = await import('./index.js');
  const simulator = await startSimulator(options);
  const tokens = (options.tokens ?? [{ token: DEFAULT_TOKEN }]).map((t) => t.token).join(', ');
  // Client ids only: even test secrets stay off the terminal.
  const clients = (options.oauthClients ?? []).map((client) => client.clientId).join(', ');
  process.stdout.write(`${simulator.baseUrl}\n`);
  process.stderr.write(
    `AFAS Profit simulator listening on ${simulator.baseUrl} (tokens: ${tokens}; OAuth clients: ${clients === '' ? 'none' : clients}; control API ${options.control === true ? `on at ${simulator.url}/__sim` : 'off'})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await simulator.close();
}
