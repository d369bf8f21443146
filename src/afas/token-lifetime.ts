// When a cached OAuth access token is renewed: pure arithmetic on a clock the caller passes in,
// so the decision is tested without waiting for real expiries.

/**
 * The lifetime assumed when the token response has no `expires_in` (RFC 6749 §5.1 makes it
 * optional; §2.2 of our reference says AFAS sends it). Short on purpose: guessing too long would
 * send stale tokens until AFAS answers 401 `invalid_token` (which the client recovers from, at the
 * price of a failed call); guessing short costs one token request every few minutes.
 */
export const DEFAULT_EXPIRES_IN_SECONDS = 300;

/** The most a token is renewed ahead of its expiry. */
export const MAX_REFRESH_MARGIN_MS = 60_000;
/** The share of the lifetime renewed ahead, for short lifetimes (10 %: 100 ms of a 1 s token). */
export const REFRESH_MARGIN_SHARE = 0.1;

export interface TokenLifetime {
  /** When the token request was sent (the token's lifetime counts from no earlier than that). */
  readonly obtainedAtMs: number;
  /** When AFAS stops accepting it. */
  readonly expiresAtMs: number;
  /** From when on a call asks for a new token instead of using this one. */
  readonly refreshAtMs: number;
}

/**
 * The lifetime of a token asked for at `requestSentAtMs`. Counting from the moment the request
 * was sent, not when the answer arrived, errs on the early side by the request's duration.
 * The margin, min(60 s, 10 % of the lifetime), keeps a token from expiring while a call that
 * carries it is on its way to AFAS.
 */
export function tokenLifetime(requestSentAtMs: number, expiresInSeconds: number): TokenLifetime {
  const lifetimeMs = expiresInSeconds * 1000;
  const marginMs = Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs * REFRESH_MARGIN_SHARE);
  return {
    obtainedAtMs: requestSentAtMs,
    expiresAtMs: requestSentAtMs + lifetimeMs,
    refreshAtMs: requestSentAtMs + lifetimeMs - marginMs,
  };
}

/** Whether a call at `nowMs` may still send the token. */
export function isFresh(lifetime: TokenLifetime, nowMs: number): boolean {
  return nowMs < lifetime.refreshAtMs;
}
