import { z } from 'zod';

import { ControlError } from '../errors.js';
import type { OAuthRegistry } from '../oauth/clients.js';
import { BASIC_ENCODINGS } from '../oauth/token-request.js';
import { readControlBody, type ControlCall } from './control-call.js';

const AddClient = z
  .object({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    appName: z.string().min(1).optional(),
    connectors: z.array(z.string().min(1)).optional(),
    grantTypes: z.array(z.string().min(1)).optional(),
  })
  .strict();

const RotateSecret = z
  .object({ clientSecret: z.string().min(1), invalidateTokens: z.boolean().optional() })
  .strict();

const TokenTtl = z.object({ seconds: z.number().int() }).strict();

const BasicEncodingBody = z.object({ accepts: z.enum(BASIC_ENCODINGS) }).strict();

/** Runs a registry change; its RangeError (bad id, secret, connector, lifetime) becomes a 400. */
function validated<T>(change: () => T): T {
  try {
    return change();
  } catch (error) {
    if (error instanceof RangeError) throw new ControlError(400, error.message);
    throw error;
  }
}

function known<T>(clientId: string, result: T | undefined): T {
  if (result === undefined) throw new ControlError(404, `no OAuth client '${clientId}'`);
  return result;
}

function overview(oauth: OAuthRegistry): unknown {
  return {
    tokenTtlSeconds: oauth.tokenTtlSeconds,
    basicEncoding: oauth.basicEncoding,
    unknownClientRequests: oauth.unknownClientRequests,
    clients: oauth.list(),
  };
}

/** `/__sim/oauth/clients/{id}/{action}`: revoke, rotate the secret, expire the client's tokens. */
async function handleClientAction(call: ControlCall, clientId: string, action: string): Promise<void> {
  const { oauth } = call.sim;
  switch (action) {
    case 'revoke':
      await call.response.sendJson(200, {
        revoked: true,
        invalidatedTokens: known(clientId, oauth.revokeClient(clientId)),
      });
      return;
    case 'secret': {
      const body = await readControlBody(call, RotateSecret);
      const invalidated = validated(() =>
        oauth.rotateSecret(clientId, body.clientSecret, body.invalidateTokens ?? false),
      );
      await call.response.sendJson(200, { rotated: true, invalidatedTokens: known(clientId, invalidated) });
      return;
    }
    case 'expire-tokens':
      known(
        clientId,
        oauth.list().find((client) => client.clientId === clientId),
      );
      await call.response.sendJson(200, { expired: oauth.expireTokens(clientId) });
      return;
    default:
      throw new ControlError(404, `unknown OAuth client action '${action}' (revoke, secret, expire-tokens)`);
  }
}

/**
 * The OAuth side of the simulated environment. Answers never carry a secret, and an access token
 * only where asked for by name: `issued-tokens`, which leak-scanning tests need.
 * - `GET /__sim/oauth` → `{tokenTtlSeconds, basicEncoding, unknownClientRequests, clients: [{clientId, appName,
 *   connectors, grantTypes, revoked, liveTokens, tokenRequests: {issued, refused}}]}`
 * - `POST /__sim/oauth/clients` `{clientId, clientSecret, appName?, connectors?, grantTypes?}` adds
 *   or replaces a client (201)
 * - `POST /__sim/oauth/clients/{id}/revoke` · `/secret` `{clientSecret, invalidateTokens?}` ·
 *   `/expire-tokens`
 * - `POST /__sim/oauth/token-ttl` `{seconds}` (tokens issued from now on) · `POST
 *   /__sim/oauth/expire-tokens` (every live token) · `POST /__sim/oauth/basic-encoding`
 *   `{accepts: both|raw|urlencoded}` (the Basic credentials the token endpoint accepts)
 */
export async function handleOAuth(call: ControlCall): Promise<void> {
  const { oauth } = call.sim;
  const [, resource, clientId, action, ...rest] = call.segments;
  if (resource === undefined) {
    if (call.method !== 'GET') throw new ControlError(405, 'use GET /__sim/oauth');
    await call.response.sendJson(200, overview(oauth));
    return;
  }
  if (resource === 'issued-tokens' && action === undefined && rest.length === 0) {
    if (call.method !== 'GET') throw new ControlError(405, 'use GET /__sim/oauth/issued-tokens[/{clientId}]');
    await call.response.sendJson(200, { tokens: oauth.issuedTokens(clientId) });
    return;
  }
  if (call.method !== 'POST' || rest.length > 0) {
    throw new ControlError(405, `use POST /__sim/oauth/${resource}…`);
  }
  if (resource === 'clients' && clientId === undefined) {
    const spec = await readControlBody(call, AddClient);
    await call.response.sendJson(
      201,
      validated(() => oauth.addClient(spec)),
    );
    return;
  }
  if (resource === 'clients' && clientId !== undefined && action !== undefined) {
    await handleClientAction(call, clientId, action);
    return;
  }
  if (resource === 'token-ttl' && clientId === undefined) {
    const { seconds } = await readControlBody(call, TokenTtl);
    validated(() => (oauth.tokenTtlSeconds = seconds));
    await call.response.sendJson(200, { tokenTtlSeconds: oauth.tokenTtlSeconds });
    return;
  }
  if (resource === 'basic-encoding' && clientId === undefined) {
    const { accepts } = await readControlBody(call, BasicEncodingBody);
    oauth.basicEncoding = accepts;
    await call.response.sendJson(200, { basicEncoding: oauth.basicEncoding });
    return;
  }
  if (resource === 'expire-tokens' && clientId === undefined) {
    await call.response.sendJson(200, { expired: oauth.expireTokens() });
    return;
  }
  throw new ControlError(404, `unknown OAuth control route '/__sim/${call.segments.join('/')}'`);
}
