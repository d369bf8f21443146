// What an AfasClient is configured with, validated: limits, language, headers.
import { AfasUsageError } from './errors.js';
import type { AfasToken } from './token.js';
import type { EnvironmentType } from './urls.js';

export type AfasLanguage = 'nl-nl' | 'en-us' | 'nl-be' | 'fr-fr' | 'de-de';
export const LANGUAGES: ReadonlySet<string> = new Set<AfasLanguage>([
  'nl-nl',
  'en-us',
  'nl-be',
  'fr-fr',
  'de-de',
]);

export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
export const DEFAULT_CONNECTIONS = 5;
export const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

export interface AfasConnectionOptions {
  /** Participant number, digits only (e.g. "12345"). */
  readonly environmentId: string;
  readonly environmentType: EnvironmentType;
  /** Base URL override (simulator, proxy), e.g. `http://127.0.0.1:8080/ProfitRestServices`. */
  readonly baseUrl?: string;
  /**
   * Allow a plain http:// base URL to a host that is not loopback. Off by default: the token
   * would cross the network readable. Sources set it only with `--allow-insecure-http`.
   */
  readonly allowInsecureHttp?: boolean;
  /** The full `<token>` XML, its base64 form, or the bare data string. */
  readonly token: string;
  /** `IntegrationId` header, `{subscriptionNo}_{projectNo}`. */
  readonly integrationId?: string;
  readonly language?: AfasLanguage;
  /** Per-request timeout (default 300 s; AFAS itself gives up after 900 s). */
  readonly requestTimeoutMs?: number;
  /** Keep-alive connections in the pool (default 5, AFAS's concurrency guidance). */
  readonly connections?: number;
  /** Largest response body accepted (default 128 MiB; AFAS caps calls at 75 MB). */
  readonly maxResponseBytes?: number;
  /**
   * How long a GetConnector description is reused (default 5 minutes): long enough that one sync
   * run asks once per connector, short enough that fields added in AFAS show up in the next run.
   */
  readonly metainfoCacheMs?: number;
}

/** A positive integer option, or its default. */
export function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new AfasUsageError(`${what} must be a positive integer`);
  return value;
}

/** The headers of every request: authorization, content negotiation, optional integration id and language. */
export function requestHeaders(options: AfasConnectionOptions, token: AfasToken): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: token.authorizationHeader(),
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate',
    'user-agent': 'afas-sync',
  };
  if (options.integrationId !== undefined) {
    if (!/^\d{1,12}_\d{1,12}$/.test(options.integrationId)) {
      throw new AfasUsageError(
        'integrationId must look like "{subscriptionNo}_{projectNo}", e.g. "12345_678900"',
      );
    }
    headers.integrationid = options.integrationId;
  }
  if (options.language !== undefined) {
    if (!LANGUAGES.has(options.language)) {
      throw new AfasUsageError(`language must be one of ${[...LANGUAGES].join(', ')}`);
    }
    headers['accept-language'] = options.language;
  }
  return headers;
}
