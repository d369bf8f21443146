import type { SimulatorTokenSpec } from './auth.js';
import type { Language } from './connectors/types.js';
import {
  checkClientId,
  checkClientSecret,
  checkTokenTtl,
  DEFAULT_TOKEN_TTL_SECONDS,
  type SimulatorOAuthClientSpec,
} from './oauth/clients.js';
import { checkBasicEncoding, type BasicEncoding } from './oauth/token-request.js';
import { checkUpdateLatency } from './write-conditions.js';

export type { SimulatorTokenSpec } from './auth.js';
export type { SimulatorOAuthClientSpec } from './oauth/clients.js';

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 1. */
  seed?: number;
  /** Multiplies journal lines per year (default 1 → 2,000 lines per administration-year). */
  scale?: number;
  /** How many administrations (default 2; ids 1..n). */
  administrations?: number;
  /** Booking years (default: the three years up to the current year). */
  years?: number[];
  /** Overrides scale: journal lines per administration per year (0, or at least 2). */
  linesPerYear?: number;
  /** Default: one token 'demo' allowed every connector. */
  tokens?: SimulatorTokenSpec[];
  /** OAuth 2 clients (client credentials grant) beside the classic tokens; default none. */
  oauthClients?: SimulatorOAuthClientSpec[];
  /** Lifetime of the access tokens the token endpoint issues (default 3600, like AFAS). */
  oauthTokenTtlSeconds?: number;
  /**
   * Which HTTP Basic credentials the token endpoint accepts: `both` (default), only `raw`
   * `base64(id:secret)` as AFAS documents it, or only RFC 6749's `urlencoded` pair.
   */
  oauthBasicEncoding?: BasicEncoding;
  /** What Finstack_Administrations exposes (default: all). */
  finstackAdministrationIds?: number[];
  /** Enable the control API under /__sim (default false). */
  control?: boolean;
  /** Environment base language (default nl-nl). */
  language?: Language;
  /**
   * Simulator extension (not in the shared contract's required surface): the clock used for
   * mutation timestamps and for "today" in the generated data. Default: the real time.
   */
  now?: () => Date;
  /** Simulator extension: the environment id shown in metainfo (default O12345AA). */
  environmentId?: string;
  /**
   * Every UpdateConnector write (FiEntries POST, PUT, DELETE) answers no sooner than this many ms
   * after it arrived, concurrent calls overlapping (default 0; at most 600,000).
   */
  updateLatencyMs?: number;
}

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly seed: number;
  readonly administrations: number;
  readonly years: readonly number[];
  readonly linesPerYear: number;
  readonly tokens: readonly SimulatorTokenSpec[];
  readonly oauthClients: readonly SimulatorOAuthClientSpec[];
  readonly oauthTokenTtlSeconds: number;
  readonly oauthBasicEncoding: BasicEncoding;
  readonly finstackAdministrationIds: readonly number[] | undefined;
  readonly control: boolean;
  readonly language: Language;
  readonly now: () => Date;
  readonly environmentId: string;
  readonly updateLatencyMs: number;
}

export const DEFAULT_TOKEN = 'demo';
export const LINES_PER_YEAR_AT_SCALE_1 = 2_000;

function fail(message: string): never {
  throw new RangeError(`simulator options: ${message}`);
}

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function amsterdamYear(now: Date): number {
  return Number(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Amsterdam', year: 'numeric' }).format(now),
  );
}

/** Runs a check, turning its RangeError into an options error that names the option. */
function prefixed(option: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    fail(`${option}: ${error.message}`);
  }
}

/** Rejects malformed or repeated OAuth clients up front, naming the client (never its secret). */
function checkOAuthClients(clients: readonly SimulatorOAuthClientSpec[]): void {
  const seen = new Set<string>();
  for (const client of clients) {
    prefixed('oauthClients', () => checkClientSecret(checkClientId(client.clientId), client.clientSecret));
    if (seen.has(client.clientId)) fail(`oauthClients: client '${client.clientId}' is listed twice`);
    seen.add(client.clientId);
  }
}

/** Applies the defaults of docs/CONTRACTS.md and rejects impossible values with a clear message. */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const now = options.now ?? ((): Date => new Date());
  const port = integerIn('port', options.port ?? 0, 0, 65_535);
  const seed = integerIn('seed', options.seed ?? 1, -(2 ** 31), 2 ** 32 - 1);
  const administrations = integerIn('administrations', options.administrations ?? 2, 1, 999);
  const currentYear = amsterdamYear(now());
  const years = options.years ?? [currentYear - 2, currentYear - 1, currentYear];
  if (years.length === 0) fail('years must name at least one year');
  years.forEach((year) => integerIn('years', year, 1900, 9999));
  if (new Set(years).size !== years.length) fail(`years must not repeat, got ${years.join(',')}`);
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) fail(`scale must be a positive number, got ${String(scale)}`);
  const linesPerYear = integerIn(
    'linesPerYear',
    options.linesPerYear ?? Math.round(LINES_PER_YEAR_AT_SCALE_1 * scale),
    0,
    50_000_000,
  );
  if (linesPerYear === 1) fail('linesPerYear must be 0 or at least 2 (an entry has two lines or more)');
  const oauthClients = options.oauthClients ?? [];
  checkOAuthClients(oauthClients);
  const oauthTokenTtlSeconds = options.oauthTokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  prefixed('oauthTokenTtlSeconds', () => checkTokenTtl(oauthTokenTtlSeconds));
  const oauthBasicEncoding = options.oauthBasicEncoding ?? 'both';
  prefixed('oauthBasicEncoding', () => checkBasicEncoding(oauthBasicEncoding));
  const finstack = options.finstackAdministrationIds;
  finstack?.forEach((id) => integerIn('finstackAdministrationIds', id, 1, 999));
  const updateLatencyMs = options.updateLatencyMs ?? 0;
  prefixed('updateLatencyMs', () => checkUpdateLatency(updateLatencyMs));
  const language = options.language ?? 'nl-nl';
  if (language !== 'nl-nl' && language !== 'en-us')
    fail(`language must be nl-nl or en-us, got ${String(language)}`);
  return {
    host: options.host ?? '127.0.0.1',
    port,
    seed,
    administrations,
    years: [...years].sort((a, b) => a - b),
    linesPerYear,
    tokens: options.tokens ?? [{ token: DEFAULT_TOKEN }],
    oauthClients: oauthClients.map((client) => ({ ...client })),
    oauthTokenTtlSeconds,
    oauthBasicEncoding,
    finstackAdministrationIds: finstack === undefined ? undefined : [...finstack],
    control: options.control ?? false,
    language,
    now,
    environmentId: options.environmentId ?? 'O12345AA',
    updateLatencyMs,
  };
}
