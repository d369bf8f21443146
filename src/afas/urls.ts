// Base URLs per AFAS environment, and the paths/query strings the client sends.

import { AfasUsageError } from './errors.js';

export type EnvironmentType = 'production' | 'test' | 'accept';

const HOST_SUFFIX: Readonly<Record<EnvironmentType, string>> = {
  production: 'rest',
  test: 'resttest',
  accept: 'restaccept',
};

/** AFAS's limit on the query string, counted from the `?` inclusive; longer requests get a 404. */
export const MAX_QUERY_LENGTH = 2049;

export interface BaseUrlOptions {
  readonly environmentId: string;
  readonly environmentType: EnvironmentType;
  /** Explicit base URL (simulator, proxy); must be http(s) without credentials, query or fragment. */
  readonly baseUrl?: string | undefined;
  /** Allow plain http:// to a host that is not loopback (the operator's `--allow-insecure-http`). */
  readonly allowInsecureHttp?: boolean | undefined;
}

/**
 * Hosts a token may reach over plain http without the operator saying so: this machine (the
 * simulator, a local proxy). `URL` has already normalised the host (`0x7f.1` → `127.0.0.1`,
 * `[0:0::1]` → `[::1]`), so exact forms suffice; anything else, IPv4-mapped forms included, is not.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Why `url` must not carry the token, or undefined: plain http:// sends the token readable to
 * every hop, so it is refused for any host but loopback unless allowed. Call it only on a URL
 * already checked for credentials, query and fragment: the message names the URL.
 */
export function plainHttpRefusal(url: URL, allowInsecureHttp: boolean): string | undefined {
  if (url.protocol !== 'http:' || allowInsecureHttp || isLoopbackHost(url.hostname)) return undefined;
  return (
    `base URL ${url.origin}${url.pathname} uses plain http:// to a host that is not this machine, so the ` +
    'AFAS token would cross the network unencrypted; use https://, or pass --allow-insecure-http to ' +
    '`afas-sync source add|update` to accept that'
  );
}

/** The AFAS Online base URL, e.g. `https://12345.resttest.afas.online/ProfitRestServices`. */
export function afasOnlineBaseUrl(environmentId: string, environmentType: EnvironmentType): string {
  validateEnvironmentId(environmentId);
  const suffix = HOST_SUFFIX[environmentType];
  if (suffix === undefined) {
    throw new AfasUsageError(
      `AFAS environment type must be one of ${Object.keys(HOST_SUFFIX).join(', ')} (got ${JSON.stringify(environmentType)})`,
    );
  }
  return `https://${environmentId}.${suffix}.afas.online/ProfitRestServices`;
}

function validateEnvironmentId(environmentId: string): void {
  if (typeof environmentId !== 'string' || !/^\d{1,10}$/.test(environmentId)) {
    throw new AfasUsageError(
      `AFAS environment id must be the participant number (digits only, e.g. "12345"), got ${JSON.stringify(String(environmentId)).slice(0, 40)}`,
    );
  }
}

/** Resolves the base URL (without a trailing slash): the override when given, else AFAS Online's. */
export function resolveBaseUrl(options: BaseUrlOptions): string {
  const online = afasOnlineBaseUrl(options.environmentId, options.environmentType);
  if (options.baseUrl === undefined) return online;
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new AfasUsageError('AFAS base URL override is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AfasUsageError(`AFAS base URL override must use http or https, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new AfasUsageError('AFAS base URL override must not contain credentials');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new AfasUsageError('AFAS base URL override must not contain a query string or fragment');
  }
  const refusal = plainHttpRefusal(url, options.allowInsecureHttp === true);
  if (refusal) throw new AfasUsageError(`AFAS ${refusal}`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Percent-encodes one path segment (connector id, object name, key value). */
export function pathSegment(value: string, what: string): string {
  if (value.length === 0) throw new AfasUsageError(`${what} must not be empty`);
  return encodeURIComponent(value);
}

/** Builds `?a=b&c=d` from already-encoded values (`''` when there are none). */
export function buildQuery(params: readonly (readonly [string, string])[]): string {
  if (params.length === 0) return '';
  return `?${params.map(([k, v]) => `${k}=${v}`).join('&')}`;
}
