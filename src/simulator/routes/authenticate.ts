import type { AppPrincipal } from '../auth.js';
import { EmptyStatusError } from '../errors.js';
import { profitErrors } from '../messages.js';
import { OAUTH_REALM } from '../oauth/token-request.js';
import type { AfasCall } from './afas-call.js';

/** RFC 6750 §3: a refused Bearer token is a 401 whose challenge says why. */
function bearerRefused(error: 'invalid_token' | 'invalid_request', description: string): EmptyStatusError {
  return new EmptyStatusError(401, {
    'WWW-Authenticate': `Bearer realm="${OAUTH_REALM}", error="${error}", error_description="${description}"`,
  });
}

/**
 * Who the call acts for: a classic `AfasToken` (401 without body when unknown; 500 for the XML
 * sent without base64) or an OAuth access token (`Bearer`; 401 with a `WWW-Authenticate`
 * challenge when it is unknown, expired or of a revoked client). Notes which one in the log,
 * never the credential itself.
 */
export function authenticate(call: AfasCall): AppPrincipal {
  const header = call.req.headers.authorization;
  const bearer = header === undefined ? null : /^Bearer(?:\s+(.*))?$/i.exec(header.trim());
  if (bearer !== null) {
    call.log.auth = 'bearer';
    const accessToken = (bearer[1] ?? '').trim();
    if (accessToken === '') throw bearerRefused('invalid_request', 'The access token is missing');
    const check = call.sim.oauth.checkBearer(accessToken);
    if (check.kind === 'expired') throw bearerRefused('invalid_token', 'The access token expired');
    if (check.kind === 'invalid') throw bearerRefused('invalid_token', 'The access token is invalid');
    call.log.clientId = check.clientId;
    return check.principal;
  }
  if (header !== undefined) call.log.auth = 'afas-token';
  const result = call.sim.tokens.authenticate(header);
  if (result.kind === 'plain-token') throw profitErrors.unexpected();
  if (result.kind === 'unauthorized') throw new EmptyStatusError(401);
  return result.token;
}
