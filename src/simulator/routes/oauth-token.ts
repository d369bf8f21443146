import { OAuthError } from '../errors.js';
import { readBodyText } from '../http/request.js';
import { CLIENT_CREDENTIALS, type ClientCheck } from '../oauth/clients.js';
import {
  invalidClient,
  invalidHttpRequest,
  isFormPost,
  parseForm,
  readTokenRequest,
  type TokenRequest,
} from '../oauth/token-request.js';
import type { AfasCall } from './afas-call.js';
import { applyEdgeFault } from './edge-fault.js';

/** A token request is a few hundred bytes; anything near this is not one. */
const MAX_TOKEN_BODY = 64 * 1024;

async function readForm(call: AfasCall): Promise<Map<string, string>> {
  let body: string;
  try {
    body = await readBodyText(call.req, MAX_TOKEN_BODY);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new OAuthError(400, 'invalid_request', `The request body exceeds ${MAX_TOKEN_BODY} bytes`);
    }
    throw error;
  }
  return parseForm(body);
}

/**
 * Tries the presented credentials in order; the first that authenticates wins. Otherwise the
 * answer concerns a client the environment knows (wrong secret, revoked) before an unknown one.
 */
function authenticateClient(call: AfasCall, request: TokenRequest): Extract<ClientCheck, { kind: 'ok' }> {
  let failure: ClientCheck = { kind: 'unknown' };
  for (const candidate of request.candidates) {
    const check = call.sim.oauth.checkClient(candidate.clientId, candidate.clientSecret);
    if (check.kind === 'ok') return check;
    if (failure.kind === 'unknown') failure = check;
  }
  call.sim.oauth.countRefused(failure.kind === 'unknown' ? undefined : failure.clientId);
  if (failure.kind === 'unknown') call.log.clientId = request.candidates[0]?.clientId ?? null;
  else call.log.clientId = failure.clientId;
  throw invalidClient(
    request.via,
    failure.kind === 'revoked' ? 'The client has been revoked' : 'Client authentication failed',
  );
}

/**
 * `POST /ProfitRestServices/oauth/token` (reference §2.2): the client-credentials grant. Edge
 * faults aimed at the token endpoint apply first, like AFAS Online's proxy.
 */
export async function handleTokenEndpoint(call: AfasCall): Promise<void> {
  call.log.auth = 'oauth-client';
  const fault = call.sim.faults.pick('edge', undefined, 'token');
  if (fault !== undefined) await applyEdgeFault(call, fault);
  if (!isFormPost(call.method, call.req.headers['content-type'])) throw invalidHttpRequest();
  // RFC 6749 §2.3.1: a secret in the URL ends up in proxy logs; refuse it rather than use it.
  if (call.url.params.has('client_secret')) {
    throw new OAuthError(400, 'invalid_request', 'Client credentials must not be sent in the query string');
  }
  const form = await readForm(call);
  const request = readTokenRequest(call.req.headers.authorization, form, call.sim.oauth.basicEncoding);
  const client = authenticateClient(call, request);
  call.log.clientId = client.clientId;
  if (request.grantType !== CLIENT_CREDENTIALS) {
    call.sim.oauth.countRefused(client.clientId);
    throw new OAuthError(
      400,
      'unsupported_grant_type',
      `The grant type '${request.grantType}' is not supported`,
    );
  }
  if (!client.grantTypes.has(CLIENT_CREDENTIALS)) {
    call.sim.oauth.countRefused(client.clientId);
    throw new OAuthError(
      400,
      'unauthorized_client',
      'The client is not allowed the client_credentials grant',
    );
  }
  // `scope` (and any other parameter) is accepted and ignored: §2.2 names no scopes.
  const { accessToken, expiresIn } = call.sim.oauth.issue(client.clientId);
  await call.response.sendOAuthJson(200, {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: expiresIn,
  });
}
