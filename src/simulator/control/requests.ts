import { ControlError } from '../errors.js';
import type { ControlCall } from './control-call.js';

function optionalInteger(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new ControlError(400, `${name} must be a non-negative integer`);
  return value;
}

/** `GET /__sim/requests[?connector=&since=&limit=]` lists the AFAS call log; `DELETE` clears it. */
export async function handleRequests(call: ControlCall): Promise<void> {
  const { requestLog } = call.sim;
  if (call.method === 'DELETE') {
    await call.response.sendJson(200, { cleared: requestLog.clear() });
    return;
  }
  if (call.method !== 'GET') throw new ControlError(405, 'use GET or DELETE /__sim/requests');
  const { params } = call.url;
  await call.response.sendJson(
    200,
    requestLog.list({
      connector: params.get('connector'),
      sinceSeq: optionalInteger(params.get('since'), 'since'),
      limit: optionalInteger(params.get('limit'), 'limit'),
    }),
  );
}
