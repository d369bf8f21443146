import { profitErrors } from '../messages.js';

export interface Paging {
  /** Rows to skip (0 when returning everything). */
  readonly skip: number;
  /** Rows to return; undefined = everything. */
  readonly take: number | undefined;
  /** What the response echoes as `skip` and `take`. */
  readonly echoSkip: number;
  readonly echoTake: number;
}

const DEFAULT_TAKE = 100;
const MAX_INT = 2_147_483_647;

function integerParam(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*[+-]?\d+\s*$/.test(text)) return undefined;
  const value = Number(text.trim());
  return Math.max(-MAX_INT, Math.min(MAX_INT, value));
}

/**
 * AFAS paging rules (reference §4.1): skip defaults to 0 and values below -1 or non-numeric count
 * as 0; take defaults to 100; `skip=-1` returns everything (take ignored); `take=-1` with
 * `skip>=0` is an unexpected error (500); `take=0` returns one row (observed quirk).
 */
export function parsePaging(params: ReadonlyMap<string, string>): Paging {
  const rawSkip = integerParam(params.get('skip'));
  const rawTake = integerParam(params.get('take'));
  const skip = rawSkip === undefined || rawSkip < -1 ? 0 : rawSkip;
  const take = rawTake === undefined || rawTake < -1 ? DEFAULT_TAKE : rawTake;
  if (skip === -1) return { skip: 0, take: undefined, echoSkip: -1, echoTake: take };
  if (take === -1) throw profitErrors.unexpected();
  return { skip, take: take === 0 ? 1 : take, echoSkip: skip, echoTake: take };
}
