// OAuth 2 client credentials (reference §2.2, RFC 6749 §4.4): `POST {base}/oauth/token` with
// `grant_type=client_credentials`, the client authenticated by HTTP Basic, then
// `Authorization: Bearer …` on every call. One access token per client instance at a time (the
// worker shares one client per source), asked for once however many calls need it, and renewed
// shortly before it expires. No `scope` is sent: §2.2 names none and AFAS grants the App
// connector's rights.
//
// The Basic credentials: RFC 6749 §2.3.1 url-encodes id and secret before base64, AFAS documents
// plain `base64(id:secret)`, and whether AFAS url-decodes is unknown. So the RFC form goes first;
// when AFAS answers `invalid_client` and the raw form differs (a secret with `+ / = %` or spaces),
// the same token request is sent once more with the raw form. Whichever form AFAS accepted is
// used from then on, so later tokens cost one request.

import type { AfasAuth } from './auth.js';
import type { OAuthClientCredentials } from './credentials.js';
import { AfasAbortError, AfasBadResponseError, AfasOAuthError, type AfasRequestInfo } from './errors.js';
import { httpError, type HttpResponse, type HttpTransport } from './http.js';
import { parseOAuthError, parseTokenResponse } from './oauth-response.js';
import { isFresh, tokenLifetime, type TokenLifetime } from './token-lifetime.js';

export interface TokenEndpoint {
  readonly transport: HttpTransport;
  readonly origin: string;
  /** Absolute path of the token endpoint, e.g. `/ProfitRestServices/oauth/token`. */
  readonly path: string;
  /** Headers every request carries (accept, user agent, integration id, language). */
  readonly headers: Readonly<Record<string, string>>;
  /** The client's request timeout; a token request gets at most TOKEN_TIMEOUT_MS of it. */
  readonly timeoutMs: number;
  /** A monotonic clock in ms (injectable for tests); performance.now() by default. */
  readonly now?: () => number;
}

/** A token endpoint that has not answered in a minute is down; the call fails as a timeout (retried). */
export const TOKEN_TIMEOUT_MS = 60_000;
/** Access tokens remembered for redaction: the current one and those of calls still on their way. */
const REMEMBERED_TOKENS = 8;
const REDACTED = '[REDACTED]';
const INFO: AfasRequestInfo = { method: 'POST', path: '/oauth/token' };
const GRANT = 'grant_type=client_credentials';

const formEncode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);
const basic = (pair: string) => `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
export function basicCredentials(client: OAuthClientCredentials): string {
  return basic(`${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`);
}

/** AFAS's documented `base64(id:secret)`, without the url-encoding (the fallback form). */
export function rawBasicCredentials(client: OAuthClientCredentials): string {
  return basic(`${client.clientId}:${client.clientSecret}`);
}

/** A 401 that says the access token (not the client) is at fault: `Bearer error="invalid_token"`. */
export function isInvalidTokenChallenge(res: HttpResponse): boolean {
  const challenge = res.headers['www-authenticate'] ?? '';
  return (
    res.status === 401 && /\bbearer\b/i.test(challenge) && /\berror\s*=\s*"?invalid_token"?/i.test(challenge)
  );
}

interface CachedToken {
  readonly header: string;
  readonly lifetime: TokenLifetime;
}

/** Waits for `promise` unless the caller's signal fires first (the shared request runs on). */
async function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  const aborted = () =>
    new AfasAbortError('waiting for an AFAS OAuth access token was aborted', { request: INFO });
  if (signal === undefined) return promise;
  if (signal.aborted) throw aborted();
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, stop]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

export class OAuthClientAuth implements AfasAuth {
  readonly #clientId: string;
  /** The Basic values to try, RFC form first; one entry when both forms are the same. */
  readonly #basicForms: readonly [string] | readonly [string, string];
  /** The Basic value AFAS accepted; null until a token request succeeded. */
  #acceptedBasic: string | null = null;
  readonly #endpoint: TokenEndpoint;
  readonly #now: () => number;
  /** The secret in every form it is sent in, longest first (so a form containing another goes whole). */
  readonly #secrets: readonly string[];
  #recentTokens: string[] = [];
  #current: CachedToken | null = null;
  #pending: Promise<CachedToken> | null = null;
  #requests = 0;

  constructor(client: OAuthClientCredentials, endpoint: TokenEndpoint) {
    this.#clientId = client.clientId;
    const rfc = basicCredentials(client);
    const raw = rawBasicCredentials(client);
    this.#basicForms = rfc === raw ? [rfc] : [rfc, raw];
    this.#endpoint = endpoint;
    this.#now = endpoint.now ?? (() => performance.now());
    const forms = new Set([
      client.clientSecret,
      formEncode(client.clientSecret),
      `${client.clientId}:${client.clientSecret}`,
      `${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`,
      ...this.#basicForms.map((header) => header.slice('Basic '.length)),
    ]);
    forms.delete('');
    this.#secrets = [...forms].sort((a, b) => b.length - a.length);
  }

  /** Token requests sent so far (successful or not). */
  get tokenRequests(): number {
    return this.#requests;
  }

  async authorization(signal: AbortSignal | undefined): Promise<string> {
    const current = this.#current;
    if (current !== null && isFresh(current.lifetime, this.#now())) return current.header;
    return (await abortable(this.#renew(), signal)).header;
  }

  renewAfterRejection(sent: string, res: HttpResponse): boolean {
    if (!isInvalidTokenChallenge(res)) return false;
    // Only the token that was refused: a concurrent call may already have replaced it.
    if (this.#current?.header === sent) this.#current = null;
    return true;
  }

  redact(text: string): string {
    let out = text;
    for (const secret of [...this.#secrets, ...this.#recentTokens]) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** The one token request in flight, started by whichever call needed it first. */
  #renew(): Promise<CachedToken> {
    if (this.#pending === null) {
      this.#pending = this.#request().finally(() => {
        this.#pending = null;
      });
    }
    return this.#pending;
  }

  /**
   * One token: with the Basic form AFAS accepted before, else the RFC form and, only after an
   * `invalid_client`, the raw one. Both refused is the client's refusal (the last answer).
   */
  async #request(): Promise<CachedToken> {
    const [first, fallback] =
      this.#acceptedBasic === null ? this.#basicForms : ([this.#acceptedBasic] as const);
    try {
      return await this.#accepted(first);
    } catch (error) {
      const refusedClient = error instanceof AfasOAuthError && error.oauthError === 'invalid_client';
      if (fallback === undefined || !refusedClient) throw error;
    }
    return this.#accepted(fallback);
  }

  async #accepted(basic: string): Promise<CachedToken> {
    const token = await this.#send(basic);
    this.#acceptedBasic = basic;
    return token;
  }

  async #send(basic: string): Promise<CachedToken> {
    this.#requests += 1;
    const sentAt = this.#now();
    const redact = (text: string) => this.redact(text);
    const res = await this.#endpoint.transport.send({
      method: 'POST',
      origin: this.#endpoint.origin,
      path: this.#endpoint.path,
      headers: {
        ...this.#endpoint.headers,
        authorization: basic,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: GRANT,
      timeoutMs: Math.min(this.#endpoint.timeoutMs, TOKEN_TIMEOUT_MS),
      info: INFO,
      redact,
    });
    if (res.status >= 200 && res.status < 300) {
      const parsed = parseTokenResponse(res.body.toString('utf8'));
      if (!parsed.ok) {
        throw new AfasBadResponseError(
          `AFAS POST /oauth/token answered HTTP ${res.status} without a usable access token: ${redact(parsed.problem)}`,
          { request: INFO },
        );
      }
      const token = parsed.value.accessToken;
      this.#recentTokens = [token, ...this.#recentTokens.filter((t) => t !== token)].slice(
        0,
        REMEMBERED_TOKENS,
      );
      const cached = {
        header: `Bearer ${token}`,
        lifetime: tokenLifetime(sentAt, parsed.value.expiresInSeconds),
      };
      this.#current = cached;
      return cached;
    }
    // 408 and 429 are "try again" (classified like any AFAS call), whatever their body says.
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      const refusal = parseOAuthError(res.body.toString('utf8'), redact);
      if (refusal !== null) {
        const description = refusal.errorDescription ?? '(no error_description)';
        throw new AfasOAuthError(
          `AFAS refused OAuth client ${JSON.stringify(redact(this.#clientId))} at POST /oauth/token ` +
            `(HTTP ${res.status} ${refusal.oauthError}): ${description}`,
          { status: res.status, ...refusal },
          { request: INFO },
        );
      }
    }
    throw httpError(res, INFO, 0, redact);
  }
}
