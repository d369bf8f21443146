import { z } from 'zod';

import { ControlError } from '../errors.js';
import { FAULT_ENDPOINTS, FAULT_KINDS } from '../faults.js';
import { readControlBody, type ControlCall } from './control-call.js';

const FaultInput = z
  .object({
    kind: z.enum(FAULT_KINDS),
    connector: z.string().min(1).optional(),
    endpoint: z.enum(FAULT_ENDPOINTS).optional(),
    count: z.number().int().positive().optional(),
    fraction: z.number().min(0).max(1).optional(),
    retryAfterSeconds: z.number().int().min(0).nullable().optional(),
    delayMs: z.number().int().min(0).max(3_600_000).optional(),
  })
  .strict();

/** `POST /__sim/faults` adds a rule; `GET` lists; `DELETE` clears all; `DELETE /__sim/faults/{id}` one. */
export async function handleFaults(call: ControlCall): Promise<void> {
  const { faults } = call.sim;
  const id = call.segments[1];
  if (id !== undefined) {
    if (call.method !== 'DELETE') throw new ControlError(405, 'use DELETE /__sim/faults/{id}');
    if (!faults.remove(Number(id))) throw new ControlError(404, `no fault rule ${id}`);
    await call.response.sendJson(200, { removed: 1 });
    return;
  }
  switch (call.method) {
    case 'GET':
      await call.response.sendJson(200, { faults: faults.list() });
      return;
    case 'POST': {
      const input = await readControlBody(call, FaultInput);
      let rule;
      try {
        rule = faults.add(input);
      } catch (error) {
        if (error instanceof RangeError) throw new ControlError(400, error.message);
        throw error;
      }
      await call.response.sendJson(201, rule);
      return;
    }
    case 'DELETE':
      await call.response.sendJson(200, { removed: faults.clear() });
      return;
    default:
      throw new ControlError(405, `${call.method} is not supported on /__sim/faults`);
  }
}
