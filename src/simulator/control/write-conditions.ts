import { z } from 'zod';

import { setPeriodBlocked } from '../domain/blocked-periods.js';
import { ControlError } from '../errors.js';
import { MAX_LOCK_SECONDS, MAX_UPDATE_LATENCY_MS } from '../write-conditions.js';
import { readControlBody, type ControlCall } from './control-call.js';

const LockInput = z.object({ seconds: z.number().positive().max(MAX_LOCK_SECONDS) }).strict();

/**
 * `POST /__sim/booking-lock {seconds}`: the booking layout is locked by "another user" for that
 * long; every UpdateConnector write answers AFAS's lock 500 meanwhile. `GET` shows the lock and
 * how many writes it refused; `DELETE` frees the layout now.
 */
export async function handleBookingLock(call: ControlCall): Promise<void> {
  const { writes } = call.sim;
  switch (call.method) {
    case 'GET':
      return call.response.sendJson(200, writes.lockState());
    case 'POST': {
      const { seconds } = await readControlBody(call, LockInput);
      return call.response.sendJson(200, writes.lock(seconds));
    }
    case 'DELETE':
      return call.response.sendJson(200, { released: writes.release() });
    default:
      throw new ControlError(405, 'use GET, POST or DELETE /__sim/booking-lock');
  }
}

const LatencyInput = z.object({ ms: z.number().int().min(0).max(MAX_UPDATE_LATENCY_MS) }).strict();

/** `POST /__sim/update-latency {ms}` sets the answer latency of UpdateConnector writes; `GET` reads it. */
export async function handleUpdateLatency(call: ControlCall): Promise<void> {
  const { writes } = call.sim;
  if (call.method === 'GET') return call.response.sendJson(200, { ms: writes.latencyMs() });
  if (call.method !== 'POST') throw new ControlError(405, 'use GET or POST /__sim/update-latency');
  const { ms } = await readControlBody(call, LatencyInput);
  return call.response.sendJson(200, { ms: writes.setLatencyMs(ms) });
}

const PeriodInput = z
  .object({
    unitId: z.number().int().positive(),
    year: z.number().int(),
    period: z.number().int().positive(),
    blocked: z.boolean().default(true),
  })
  .strict();

/**
 * `POST /__sim/blocked-periods {unitId, year, period, blocked?}` blocks (default) or unblocks one
 * period, e.g. between two calls of a batch; `GET` lists the blocked periods.
 */
export async function handleBlockedPeriods(call: ControlCall): Promise<void> {
  const { data } = call.sim;
  if (call.method === 'GET') {
    const periods = data.master.periods
      .all()
      .filter((row) => row['Blocked'] === true)
      .map((row) => ({ unitId: row['Unit'], year: row['Year'], period: row['Period'] }));
    return call.response.sendJson(200, { periods });
  }
  if (call.method !== 'POST') throw new ControlError(405, 'use GET or POST /__sim/blocked-periods');
  const { unitId, year, period, blocked } = await readControlBody(call, PeriodInput);
  const row = setPeriodBlocked(data, unitId, year, period, blocked);
  if (row === undefined) {
    throw new ControlError(404, `administration ${unitId} has no period ${period} of year ${year}`);
  }
  return call.response.sendJson(200, { unitId, year, period, blocked: row['Blocked'] });
}
