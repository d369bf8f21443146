/**
 * Reads a token-endpoint request (reference §2.2, RFC 6749 §2.3.1 and §4.4): form-encoded POST,
 * client authentication by HTTP Basic or by body parameters (never both), `grant_type`.
 * Every refusal is an {@link OAuthError}; no error text ever quotes a secret.
 */
import { OAuthError } from '../errors.js';

/** The realm named in `WWW-Authenticate` answers. */
export const OAUTH_REALM = 'AFAS Profit';
const BASIC_CHALLENGE = { 'WWW-Authenticate': `Basic realm="${OAUTH_REALM}"` };

/** AFAS's exact answer to a GET, a JSON body or another content type (reference §2.2). */
export function invalidHttpRequest(): OAuthError {
  return new OAuthError(400, 'invalid_request', 'Invalid HTTP request for token endpoint');
}

/**
 * Which HTTP Basic credentials the token endpoint accepts. AFAS documents `base64(id:secret)`;
 * RFC 6749 §2.3.1 url-encodes id and secret first. Whether AFAS url-decodes is unknown, so tests
 * can play either server: `raw` (the pair is taken as sent, never decoded), `urlencoded` (always
 * decoded) or `both` (the default: decoded, then as sent).
 */
export const BASIC_ENCODINGS = ['both', 'raw', 'urlencoded'] as const;
export type BasicEncoding = (typeof BASIC_ENCODINGS)[number];

export function checkBasicEncoding(value: string): BasicEncoding {
  const found = BASIC_ENCODINGS.find((encoding) => encoding === value);
  if (found === undefined) {
    throw new RangeError(
      `the Basic encoding must be ${BASIC_ENCODINGS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return found;
}

/** One way to read the presented client id and secret. */
export interface ClientCredentialsCandidate {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface TokenRequest {
  readonly via: 'basic' | 'body';
  /**
   * The credentials to try in order: with Basic, the form-decoded pair RFC 6749 prescribes, then
   * the pair as sent (clients that skip the encoding, which AFAS documents as `base64(id:secret)`).
   */
  readonly candidates: readonly ClientCredentialsCandidate[];
  readonly grantType: string;
}

/** True when the request may carry a token-endpoint body: POST with a form content type. */
export function isFormPost(method: string, contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return method === 'POST' && mediaType === 'application/x-www-form-urlencoded';
}

/** Decodes one `application/x-www-form-urlencoded` component; undefined when it is not valid. */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** Parses a form body; a parameter given twice is refused (RFC 6749 §3.2). */
export function parseForm(body: string): Map<string, string> {
  const form = new Map<string, string>();
  for (const piece of body.split('&')) {
    if (piece === '') continue;
    const equals = piece.indexOf('=');
    const name = formDecode(equals === -1 ? piece : piece.slice(0, equals));
    const value = formDecode(equals === -1 ? '' : piece.slice(equals + 1));
    if (name === undefined || value === undefined) {
      throw new OAuthError(400, 'invalid_request', 'The request body is not valid form encoding');
    }
    if (form.has(name)) throw new OAuthError(400, 'invalid_request', `Parameter '${name}' is repeated`);
    form.set(name, value);
  }
  return form;
}

function invalidBasic(): OAuthError {
  return new OAuthError(401, 'invalid_client', 'Client authentication failed', BASIC_CHALLENGE);
}

/** `Basic base64(urlencode(id):urlencode(secret))` and/or the pair without the url-encoding. */
function basicCandidates(credentials: string, accepts: BasicEncoding): ClientCredentialsCandidate[] {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials)) throw invalidBasic();
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw invalidBasic();
  const raw = { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
  if (accepts === 'raw') return [raw];
  const clientId = formDecode(raw.clientId);
  const clientSecret = formDecode(raw.clientSecret);
  if (clientId === undefined || clientSecret === undefined) {
    // Not valid url-encoding: only a server that takes the pair as sent can read it.
    if (accepts === 'urlencoded') throw invalidBasic();
    return [raw];
  }
  const encoded = { clientId, clientSecret };
  if (accepts === 'urlencoded') return [encoded];
  return clientId === raw.clientId && clientSecret === raw.clientSecret ? [encoded] : [encoded, raw];
}

/**
 * Reads the client authentication and grant type of a form-encoded token request. The order of
 * checks: request syntax (invalid_request) before client authentication, so a malformed request
 * never counts as a failed login.
 */
export function readTokenRequest(
  authorization: string | undefined,
  form: ReadonlyMap<string, string>,
  basicEncoding: BasicEncoding = 'both',
): TokenRequest {
  const inBody = form.has('client_id') || form.has('client_secret');
  const grantType = form.get('grant_type');
  if (authorization !== undefined && authorization.trim() !== '') {
    const match = /^Basic\s+(\S+)\s*$/i.exec(authorization.trim());
    if (inBody) {
      throw new OAuthError(
        400,
        'invalid_request',
        'The client authenticated twice: use HTTP Basic or client_id/client_secret in the body, not both',
      );
    }
    if (grantType === undefined || grantType === '') throw missingGrantType();
    if (match === null) throw invalidBasic();
    return { via: 'basic', candidates: basicCandidates(match[1] ?? '', basicEncoding), grantType };
  }
  if (grantType === undefined || grantType === '') throw missingGrantType();
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  if (clientId === undefined || clientId === '' || clientSecret === undefined || clientSecret === '') {
    throw new OAuthError(
      400,
      'invalid_client',
      'Client authentication failed: give client_id and client_secret, or HTTP Basic',
    );
  }
  return { via: 'body', candidates: [{ clientId, clientSecret }], grantType };
}

function missingGrantType(): OAuthError {
  return new OAuthError(400, 'invalid_request', 'The grant_type parameter is missing');
}

/** The `invalid_client` refusal for a presented client: 401 + challenge after Basic, else 400. */
export function invalidClient(via: TokenRequest['via'], description: string): OAuthError {
  return via === 'basic'
    ? new OAuthError(401, 'invalid_client', description, BASIC_CHALLENGE)
    : new OAuthError(400, 'invalid_client', description);
}
