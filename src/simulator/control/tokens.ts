import { z } from 'zod';

import { ControlError } from '../errors.js';
import { readControlBody, type ControlCall } from './control-call.js';

const AddToken = z
  .object({
    token: z.string().min(1),
    appName: z.string().min(1).optional(),
    connectors: z.array(z.string().min(1)).optional(),
  })
  .strict();

const RevokeToken = z.object({ token: z.string().min(1) }).strict();

/** `POST /__sim/tokens` adds or replaces a token; `POST /__sim/tokens/revoke` revokes one. */
export async function handleTokens(call: ControlCall): Promise<void> {
  if (call.method !== 'POST') throw new ControlError(405, 'use POST /__sim/tokens or /__sim/tokens/revoke');
  const action = call.segments[1];
  if (action === 'revoke') {
    const { token } = await readControlBody(call, RevokeToken);
    await call.response.sendJson(200, { revoked: call.sim.tokens.revoke(token) });
    return;
  }
  if (action !== undefined) throw new ControlError(404, `unknown token action '${action}'`);
  const spec = await readControlBody(call, AddToken);
  let record;
  try {
    record = call.sim.tokens.add(spec);
  } catch (error) {
    throw new ControlError(400, error instanceof Error ? error.message : String(error));
  }
  await call.response.sendJson(201, {
    appName: record.appName,
    connectors: record.connectors === undefined ? null : [...record.connectors],
  });
}
