/**
 * OAuth 2 clients of the simulated environment (reference §2.2): App connectors whose callers get
 * short-lived access tokens from `POST /oauth/token` and send `Authorization: Bearer …`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { checkConnectorIds, DEFAULT_APP_NAME, type AppPrincipal } from '../auth.js';
import type { Clock } from '../clock.js';
import { checkBasicEncoding, type BasicEncoding } from './token-request.js';

export interface SimulatorOAuthClientSpec {
  clientId: string;
  /** A test secret: the simulator holds no real ones. */
  clientSecret: string;
  /** App connector name shown in metainfo `info.appName`. */
  appName?: string;
  /** GetConnector (and UpdateConnector) ids the App connector contains; default all. */
  connectors?: string[];
  /** Grants the App connector allows; default `['client_credentials']`. Others → unauthorized_client. */
  grantTypes?: string[];
}

export const CLIENT_CREDENTIALS = 'client_credentials';
/** AFAS's access tokens live an hour. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3_600;
export const MAX_TOKEN_TTL_SECONDS = 366 * 86_400;

export interface TokenRequestCounters {
  /** Token requests that got an access token. */
  issued: number;
  /** Token requests naming this client that were refused (wrong secret, revoked, grant, …). */
  refused: number;
}

interface ClientRecord extends AppPrincipal {
  readonly clientId: string;
  /** SHA-256 of the secret, compared in constant time like a real authorization server would. */
  secretDigest: Buffer;
  readonly grantTypes: ReadonlySet<string>;
  revoked: boolean;
  readonly counters: TokenRequestCounters;
}

interface AccessTokenRecord {
  readonly clientId: string;
  expiresAtMs: number;
}

export type ClientCheck =
  | { readonly kind: 'ok'; readonly clientId: string; readonly grantTypes: ReadonlySet<string> }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'wrong-secret'; readonly clientId: string }
  | { readonly kind: 'revoked'; readonly clientId: string };

export type BearerCheck =
  | { readonly kind: 'ok'; readonly clientId: string; readonly principal: AppPrincipal }
  | { readonly kind: 'expired' }
  | { readonly kind: 'invalid' };

export interface OAuthClientSummary {
  clientId: string;
  appName: string;
  connectors: string[] | null;
  grantTypes: string[];
  revoked: boolean;
  liveTokens: number;
  tokenRequests: TokenRequestCounters;
}

/** Issued tokens remembered for {@link OAuthRegistry.issuedTokens}; a test issues far fewer. */
const ISSUED_MEMORY = 10_000;

/** One access token as issued, for tests that scan for leaks (the simulator holds no real secrets). */
export interface IssuedToken {
  readonly clientId: string;
  readonly accessToken: string;
  readonly issuedAt: string;
}

/** Expired tokens are remembered this long, so a late call hears "expired" rather than "unknown". */
const EXPIRED_MEMORY_MS = 86_400_000;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function fail(message: string): never {
  throw new RangeError(message);
}

/** Validates an access-token lifetime in whole seconds. */
export function checkTokenTtl(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TOKEN_TTL_SECONDS) {
    fail(
      `the token lifetime must be whole seconds from 1 to ${MAX_TOKEN_TTL_SECONDS}, got ${String(seconds)}`,
    );
  }
  return seconds;
}

/** Validates a client id (no `:`, so `ID:SECRET` and unencoded HTTP Basic stay unambiguous). */
export function checkClientId(clientId: string): string {
  if (
    clientId === '' ||
    clientId.trim() !== clientId ||
    CONTROL_CHARACTERS.test(clientId) ||
    clientId.includes(':')
  ) {
    fail(
      `a client id must be non-empty, without ':', control characters or surrounding spaces, got ${JSON.stringify(clientId)}`,
    );
  }
  return clientId;
}

/** Validates a client secret without ever quoting it. */
export function checkClientSecret(clientId: string, secret: string): string {
  if (secret === '' || CONTROL_CHARACTERS.test(secret)) {
    fail(`the secret of client '${clientId}' must be non-empty and without control characters`);
  }
  return secret;
}

export class OAuthRegistry {
  private readonly clients = new Map<string, ClientRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  /** Every token issued (the latest ISSUED_MEMORY), kept after expiry, revocation or rotation. */
  private readonly issued: IssuedToken[] = [];
  private ttlSeconds: number;
  private acceptedBasic: BasicEncoding;
  /** Token requests naming a client id the environment does not know. */
  unknownClientRequests = 0;

  constructor(
    specs: readonly SimulatorOAuthClientSpec[],
    tokenTtlSeconds: number,
    private readonly knownConnectorIds: ReadonlySet<string>,
    private readonly clock: Clock,
    basicEncoding: BasicEncoding = 'both',
  ) {
    this.ttlSeconds = checkTokenTtl(tokenTtlSeconds);
    this.acceptedBasic = checkBasicEncoding(basicEncoding);
    for (const spec of specs) this.addClient(spec);
  }

  get tokenTtlSeconds(): number {
    return this.ttlSeconds;
  }

  /** Applies to tokens issued from now on; live tokens keep their expiry. */
  set tokenTtlSeconds(seconds: number) {
    this.ttlSeconds = checkTokenTtl(seconds);
  }

  /** Which HTTP Basic credentials the token endpoint accepts (see {@link BasicEncoding}). */
  get basicEncoding(): BasicEncoding {
    return this.acceptedBasic;
  }

  set basicEncoding(encoding: BasicEncoding) {
    this.acceptedBasic = checkBasicEncoding(encoding);
  }

  /**
   * Adds a client, or replaces one (a revoked one comes back). Replacing invalidates the client's
   * live tokens but keeps its request counters, so a test's tally survives a re-add.
   */
  addClient(spec: SimulatorOAuthClientSpec): OAuthClientSummary {
    const clientId = checkClientId(spec.clientId);
    checkClientSecret(clientId, spec.clientSecret);
    checkConnectorIds(`client '${clientId}'`, spec.connectors, this.knownConnectorIds);
    const grantTypes = spec.grantTypes ?? [CLIENT_CREDENTIALS];
    if (grantTypes.some((grant) => !/^[a-z_:.-]+$/i.test(grant))) {
      fail(
        `client '${clientId}': grant types must be names like client_credentials, got ${grantTypes.join(', ')}`,
      );
    }
    const previous = this.clients.get(clientId);
    if (previous !== undefined) this.invalidateTokens(clientId);
    const record: ClientRecord = {
      clientId,
      secretDigest: digest(spec.clientSecret),
      appName: spec.appName ?? DEFAULT_APP_NAME,
      connectors: spec.connectors === undefined ? undefined : new Set(spec.connectors),
      grantTypes: new Set(grantTypes),
      revoked: false,
      counters: previous?.counters ?? { issued: 0, refused: 0 },
    };
    this.clients.set(clientId, record);
    return this.summary(record);
  }

  /** Revokes a client and its live tokens; returns how many tokens died, undefined when unknown. */
  revokeClient(clientId: string): number | undefined {
    const client = this.clients.get(clientId);
    if (client === undefined) return undefined;
    client.revoked = true;
    return this.invalidateTokens(clientId);
  }

  /**
   * Gives a client a new secret; the old one stops working at once. Live tokens stay valid unless
   * `invalidateTokens` (a real server keeps issued tokens; tests of a leak want them gone).
   * Returns the number of tokens invalidated, undefined when the client is unknown.
   */
  rotateSecret(clientId: string, secret: string, invalidateTokens: boolean): number | undefined {
    const client = this.clients.get(clientId);
    if (client === undefined) return undefined;
    client.secretDigest = digest(checkClientSecret(clientId, secret));
    return invalidateTokens ? this.invalidateTokens(clientId) : 0;
  }

  /** Ends the life of live tokens now (of one client or all) without touching the clients. */
  expireTokens(clientId?: string): number {
    const now = this.clock.nowInstantMs();
    let expired = 0;
    for (const token of this.accessTokens.values()) {
      if ((clientId === undefined || token.clientId === clientId) && token.expiresAtMs > now) {
        token.expiresAtMs = now;
        expired++;
      }
    }
    return expired;
  }

  /** Checks a client id and secret, as the token endpoint does. */
  checkClient(clientId: string, secret: string): ClientCheck {
    const client = this.clients.get(clientId);
    if (client === undefined) return { kind: 'unknown' };
    if (!timingSafeEqual(client.secretDigest, digest(secret))) return { kind: 'wrong-secret', clientId };
    if (client.revoked) return { kind: 'revoked', clientId };
    return { kind: 'ok', clientId, grantTypes: client.grantTypes };
  }

  /** Counts a refused token request against the client it named (or the unknown tally). */
  countRefused(clientId: string | undefined): void {
    const client = clientId === undefined ? undefined : this.clients.get(clientId);
    if (client === undefined) this.unknownClientRequests++;
    else client.counters.refused++;
  }

  /** Issues a new access token; earlier tokens of the client stay valid (several workers). */
  issue(clientId: string): { accessToken: string; expiresIn: number } {
    const client = this.clients.get(clientId);
    if (client === undefined || client.revoked)
      throw new Error(`cannot issue a token to client '${clientId}'`);
    this.forgetOldTokens();
    const accessToken = randomBytes(32).toString('base64url');
    const expiresIn = this.ttlSeconds;
    this.accessTokens.set(accessToken, {
      clientId,
      expiresAtMs: this.clock.nowInstantMs() + expiresIn * 1000,
    });
    client.counters.issued++;
    this.issued.push({
      clientId,
      accessToken,
      issuedAt: new Date(this.clock.nowInstantMs()).toISOString(),
    });
    if (this.issued.length > ISSUED_MEMORY) this.issued.splice(0, this.issued.length - ISSUED_MEMORY);
    return { accessToken, expiresIn };
  }

  /** Checks a Bearer access token on a connector call. */
  checkBearer(accessToken: string): BearerCheck {
    const token = this.accessTokens.get(accessToken);
    if (token === undefined) return { kind: 'invalid' };
    const client = this.clients.get(token.clientId);
    if (client === undefined || client.revoked) return { kind: 'invalid' };
    if (this.clock.nowInstantMs() >= token.expiresAtMs) return { kind: 'expired' };
    return { kind: 'ok', clientId: client.clientId, principal: client };
  }

  /**
   * The access tokens issued so far (of one client or all), oldest first, dead or alive. Only for
   * tests that prove no token leaked: a real authorization server never lists them.
   */
  issuedTokens(clientId?: string): IssuedToken[] {
    return this.issued.filter((token) => clientId === undefined || token.clientId === clientId);
  }

  list(): OAuthClientSummary[] {
    return [...this.clients.values()].map((client) => this.summary(client));
  }

  private summary(client: ClientRecord): OAuthClientSummary {
    const now = this.clock.nowInstantMs();
    let liveTokens = 0;
    for (const token of this.accessTokens.values()) {
      if (token.clientId === client.clientId && token.expiresAtMs > now) liveTokens++;
    }
    return {
      clientId: client.clientId,
      appName: client.appName,
      connectors: client.connectors === undefined ? null : [...client.connectors],
      grantTypes: [...client.grantTypes],
      revoked: client.revoked,
      liveTokens,
      tokenRequests: { ...client.counters },
    };
  }

  private invalidateTokens(clientId: string): number {
    const now = this.clock.nowInstantMs();
    let live = 0;
    for (const [value, token] of this.accessTokens) {
      if (token.clientId !== clientId) continue;
      if (token.expiresAtMs > now) live++;
      this.accessTokens.delete(value);
    }
    return live;
  }

  private forgetOldTokens(): void {
    const horizon = this.clock.nowInstantMs() - EXPIRED_MEMORY_MS;
    for (const [value, token] of this.accessTokens) {
      if (token.expiresAtMs < horizon) this.accessTokens.delete(value);
    }
  }
}
