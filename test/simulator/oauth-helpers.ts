import type { RunningSimulator } from '../../src/simulator/index.js';
import { http, type HttpResult } from './helpers.js';

export const FORM = 'application/x-www-form-urlencoded';

/** `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1), or without the encoding. */
export function basicAuth(clientId: string, secret: string, encode = true): string {
  const pair = encode
    ? `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`
    : `${clientId}:${secret}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

export function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

/** A raw POST to the token endpoint. */
export function postToken(
  sim: RunningSimulator,
  body: string,
  headers: Record<string, string> = {},
  query = '',
): Promise<HttpResult> {
  return http(`${sim.baseUrl}/oauth/token${query}`, {
    method: 'POST',
    headers: { 'content-type': FORM, ...headers },
    body,
  });
}

export interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
}

/** Gets an access token with HTTP Basic; fails the test on anything but 200. */
export async function fetchToken(sim: RunningSimulator, clientId: string, secret: string): Promise<string> {
  const result = await postToken(sim, 'grant_type=client_credentials', {
    authorization: basicAuth(clientId, secret),
  });
  if (result.status !== 200) throw new Error(`token request → ${result.status}: ${result.text}`);
  return (JSON.parse(result.text) as TokenAnswer).access_token;
}

export function bearer(accessToken: string): Record<string, string> {
  return { authorization: `Bearer ${accessToken}` };
}

/** A clock tests can move: pass `clock.now` as the simulator's `now` option. */
export function movableClock(): { now: () => Date; advance(seconds: number): void } {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (seconds) => {
      offsetMs += seconds * 1000;
    },
  };
}
