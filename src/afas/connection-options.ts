// What an AfasClient is configured with, validated: credential, limits, language, headers.
import type { AfasCredential, OAuthClientCredentials } from './credentials.js';
import { AfasUsageError } from './errors.js';
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

/**
 * Runs one HTTP request to AFAS (`send`) when the environment's call budget allows it, and holds
 * the budget until the whole answer is read. The client knows nothing of how the budget is kept
 * (the worker's lives in PostgreSQL, src/afas-budget); it only promises to send every connector
 * request through it. A gate that gives up (the signal aborted) throws instead of calling `send`.
 */
export type AfasCallGate = <T>(signal: AbortSignal | undefined, send: () => Promise<T>) => Promise<T>;

/** A classic App-connector token (retired by AFAS on 31 August 2027, reference §2.1). */
export interface AfasTokenAuth {
  /** The full `<token>` XML, its base64 form, or the bare data string. */
  readonly token: string;
  readonly oauthClient?: undefined;
}

/** An OAuth 2 client doing the client-credentials grant (reference §2.2). */
export interface AfasOAuthAuth {
  readonly oauthClient: OAuthClientCredentials;
  readonly token?: undefined;
}

/** How the client authenticates: exactly one of a classic token or an OAuth client. */
export type AfasAuthOptions = AfasTokenAuth | AfasOAuthAuth;

/** Everything but the credential. */
export interface AfasConnectionSettings {
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
  /**
   * Where every request but the OAuth token request waits for a place in the environment's
   * budget of concurrent calls (none: requests go out at once).
   */
  readonly callGate?: AfasCallGate;
}

export type AfasConnectionOptions = AfasConnectionSettings & AfasAuthOptions;

/** The options part for a credential as stored (for callers that hold an `AfasCredential`). */
export function authOptions(credential: AfasCredential): AfasAuthOptions {
  switch (credential.kind) {
    case 'token':
      return { token: credential.token };
    case 'oauth':
      return { oauthClient: { clientId: credential.clientId, clientSecret: credential.clientSecret } };
    default: {
      const kind: unknown = (credential as { kind?: unknown }).kind;
      throw new AfasUsageError(
        `AFAS credential kind must be "token" or "oauth" (got ${JSON.stringify(kind)})`,
      );
    }
  }
}

/** Printable ASCII without spaces at the ends: what RFC 6749 allows in a client id (VSCHAR). */
const CLIENT_ID = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/;
const CLIENT_ID_MAX = 256;

/**
 * The credential of the options, checked at run time too (JavaScript callers, stored records):
 * exactly one of `token` or `oauthClient`. Errors name the mistake and never echo a secret.
 */
export function checkedAuth(options: AfasAuthOptions): AfasCredential {
  const hasToken = options.token !== undefined;
  const hasClient = options.oauthClient !== undefined;
  if (hasToken && hasClient) {
    throw new AfasUsageError(
      'AFAS connection options have both a token and an oauthClient: give exactly one',
    );
  }
  if (options.token !== undefined) return { kind: 'token', token: options.token };
  if (options.oauthClient === undefined) {
    throw new AfasUsageError(
      'AFAS connection options have neither a token nor an oauthClient: give exactly one',
    );
  }
  const client: unknown = options.oauthClient;
  if (typeof client !== 'object' || client === null) {
    throw new AfasUsageError('oauthClient must be an object { clientId, clientSecret }');
  }
  const { clientId, clientSecret } = client as Partial<Record<keyof OAuthClientCredentials, unknown>>;
  if (typeof clientId !== 'string' || clientId.length > CLIENT_ID_MAX || !CLIENT_ID.test(clientId)) {
    throw new AfasUsageError(
      `oauthClient.clientId must be 1 to ${CLIENT_ID_MAX} printable ASCII characters without spaces at the ends`,
    );
  }
  // The secret is checked for presence only: its shape is AFAS's business, and a message about it
  // must not hint at its value.
  if (typeof clientSecret !== 'string' || clientSecret.trim() === '') {
    throw new AfasUsageError('oauthClient.clientSecret must be a non-empty string');
  }
  return { kind: 'oauth', clientId, clientSecret };
}

/** A positive integer option, or its default. */
export function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new AfasUsageError(`${what} must be a positive integer`);
  return value;
}

/**
 * The headers of every request but `Authorization` (which the credential adds per request: an
 * OAuth access token changes): content negotiation, optional integration id and language.
 */
export function requestHeaders(options: AfasConnectionSettings): Record<string, string> {
  const headers: Record<string, string> = {
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
