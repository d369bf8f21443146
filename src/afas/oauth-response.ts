// What the token endpoint answers (reference §2.2, RFC 6749 §5.1/§5.2), read tolerantly: any case
// of "Bearer", `expires_in` as a number or a numeric string, unknown extra fields ignored. Problems
// are described by field name only: the body holds the access token and is never quoted.

import { DEFAULT_EXPIRES_IN_SECONDS } from './token-lifetime.js';

export interface OAuthAccessToken {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
}

export type TokenResponseResult =
  { readonly ok: true; readonly value: OAuthAccessToken } | { readonly ok: false; readonly problem: string };

export interface OAuthErrorBody {
  readonly oauthError: string;
  readonly errorDescription: string | null;
}

/** What a header value may hold: printable ASCII, no spaces (RFC 6750 b64token is narrower still). */
const ACCESS_TOKEN = /^[\x21-\x7E]+$/;
/** RFC 6749 §5.2: `error` is printable ASCII without `"` and `\`. */
const ERROR_CODE = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,100}$/;
const NUMERIC = /^\s*\d+(?:\.\d+)?\s*$/;
const DESCRIPTION_MAX = 500;

function record(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function expiresIn(value: unknown): number | null {
  if (value === undefined || value === null) return DEFAULT_EXPIRES_IN_SECONDS;
  const seconds = typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/** A 2xx answer of the token endpoint. */
export function parseTokenResponse(text: string): TokenResponseResult {
  const body = record(text);
  if (body === null) return { ok: false, problem: 'the body is not a JSON object' };
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || !ACCESS_TOKEN.test(accessToken)) {
    return { ok: false, problem: 'access_token is missing or not printable text without spaces' };
  }
  const tokenType = body.token_type;
  if (typeof tokenType !== 'string' || tokenType.trim().toLowerCase() !== 'bearer') {
    const shown = typeof tokenType === 'string' ? JSON.stringify(tokenType.slice(0, 40)) : typeof tokenType;
    return { ok: false, problem: `token_type is ${shown}, expected "Bearer"` };
  }
  const seconds = expiresIn(body.expires_in);
  if (seconds === null) {
    return { ok: false, problem: 'expires_in is not a positive number of seconds' };
  }
  return { ok: true, value: { accessToken, expiresInSeconds: seconds } };
}

/**
 * The OAuth error of a 4xx answer (`{error, error_description?}`), or null when the body is not
 * one (a proxy's page, an empty 401): that is then an ordinary HTTP error.
 */
export function parseOAuthError(text: string, redact: (text: string) => string): OAuthErrorBody | null {
  const body = record(text);
  const code = body?.error;
  if (typeof code !== 'string' || !ERROR_CODE.test(code)) return null;
  const description = body?.error_description;
  const shown =
    typeof description === 'string' && description.trim() !== ''
      ? redact(description.trim()).slice(0, DESCRIPTION_MAX)
      : null;
  return { oauthError: redact(code), errorDescription: shown };
}
