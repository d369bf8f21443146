import { z } from 'zod';

import { formatScaled, scaledFromInput } from '../decimal.js';
import { ControlError } from '../errors.js';
import { readControlBody, type ControlCall } from './control-call.js';

/** Amounts are decimals with 2 places, as Profit_Period_balance serves them. */
const AMOUNT_SCALE = 2;

const Amount = z.union([z.number(), z.string()]);

const SkewInput = z
  .object({
    skews: z
      .array(
        z
          .object({
            UnitId: z.number().int(),
            Year: z.number().int(),
            Period: z.number().int(),
            AccountNr: z.string().min(1),
            Debit: Amount.optional(),
            Credit: Amount.optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

function cents(value: z.infer<typeof Amount> | undefined, what: string): number {
  if (value === undefined) return 0;
  const scaled = scaledFromInput(value, AMOUNT_SCALE);
  if (scaled === undefined || !Number.isSafeInteger(scaled))
    throw new ControlError(400, `${what} '${String(value)}' is not a decimal amount with at most 2 places`);
  return scaled;
}

/**
 * `POST /__sim/period-balances` `{skews: [{UnitId, Year, Period, AccountNr, Debit?, Credit?}]}`
 * adds amounts to Profit_Period_balance's figures (not to the journal lines): AFAS inconsistent
 * with itself, on purpose. `GET` lists the skews, `DELETE` removes them all.
 */
export async function handlePeriodBalances(call: ControlCall): Promise<void> {
  const skews = call.sim.data.balanceSkews;
  switch (call.method) {
    case 'GET':
      await call.response.sendJson(200, {
        skews: skews.all().map((skew) => ({
          UnitId: skew.unit,
          Year: skew.year,
          Period: skew.period,
          AccountNr: skew.account,
          Debit: formatScaled(skew.debit, AMOUNT_SCALE),
          Credit: formatScaled(skew.credit, AMOUNT_SCALE),
        })),
      });
      return;
    case 'POST': {
      const input = await readControlBody(call, SkewInput);
      const parsed = input.skews.map((skew, index) => ({
        unit: skew.UnitId,
        year: skew.Year,
        period: skew.Period,
        account: skew.AccountNr,
        debit: cents(skew.Debit, `skew ${index + 1} Debit`),
        credit: cents(skew.Credit, `skew ${index + 1} Credit`),
      }));
      for (const skew of parsed) skews.add(skew);
      await call.response.sendJson(201, { skewed: parsed.length });
      return;
    }
    case 'DELETE': {
      const removed = skews.all().length;
      skews.clear();
      await call.response.sendJson(200, { removed });
      return;
    }
    default:
      throw new ControlError(405, `${call.method} is not supported on /__sim/period-balances`);
  }
}
