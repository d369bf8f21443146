import { z } from 'zod';

import { mutateRandomDays } from '../domain/random-mutations.js';
import { ControlError } from '../errors.js';
import { hash32 } from '../prng.js';
import { readControlBody, type ControlCall } from './control-call.js';

const MutateRandom = z
  .object({
    fraction: z.number().gt(0).max(1).optional(),
    days: z.number().int().positive().optional(),
    seed: z.number().int().optional(),
    unitId: z.number().int().optional(),
    years: z.array(z.number().int()).optional(),
  })
  .strict()
  .refine((body) => (body.fraction === undefined) !== (body.days === undefined), {
    message: 'give exactly one of fraction or days',
  });

/** `POST /__sim/mutate-random` `{fraction | days, seed?, unitId?, years?}`. */
export async function handleMutateRandom(call: ControlCall): Promise<void> {
  if (call.method !== 'POST') throw new ControlError(405, 'use POST /__sim/mutate-random');
  const body = await readControlBody(call, MutateRandom);
  const result = mutateRandomDays(call.sim.data, call.sim.ledger, {
    fraction: body.fraction,
    days: body.days,
    seed: body.seed ?? hash32(call.sim.options.seed, call.sim.sequence.next()),
    unitId: body.unitId,
    years: body.years,
  });
  await call.response.sendJson(200, result);
}
