import { ControlError } from '../errors.js';
import type { ControlCall } from './control-call.js';

/**
 * `GET /__sim/concurrency`: connector calls in flight now and the most at once since the last
 * reset; `DELETE` resets the most to what is in flight and answers the values before the reset.
 */
export async function handleConcurrency(call: ControlCall): Promise<void> {
  const { concurrency } = call.sim;
  if (call.method === 'GET') return call.response.sendJson(200, concurrency.snapshot());
  if (call.method === 'DELETE') return call.response.sendJson(200, concurrency.reset());
  throw new ControlError(405, 'use GET or DELETE /__sim/concurrency');
}
