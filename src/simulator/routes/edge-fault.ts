import { setTimeout as delay } from 'node:timers/promises';

import { ServiceUnavailableError } from '../errors.js';
import type { FaultRule } from '../faults.js';
import type { AfasCall } from './afas-call.js';

/** Applies a fault of the AFAS Online proxy (before authentication): 503, slowness or a reset. */
export async function applyEdgeFault(call: AfasCall, fault: FaultRule): Promise<void> {
  call.log.faults.push(fault.kind);
  if (fault.kind === 'unavailable') {
    throw new ServiceUnavailableError(fault.retryAfterSeconds === undefined ? 120 : fault.retryAfterSeconds);
  }
  if (fault.kind === 'slow') await delay(fault.delayMs ?? 2_000);
  if (fault.kind === 'reset') call.response.faults.reset = true;
}
