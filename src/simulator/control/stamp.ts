import { parseWallDateTime } from '../amsterdam-time.js';
import { ControlError } from '../errors.js';

/**
 * A `modified` stamp given to a control call, as wall seconds: Amsterdam wall time the way AFAS
 * writes it (`YYYY-MM-DDTHH:MM:SS`, the `Z` optional and no UTC marker). Tests use it to stamp a
 * row in the future (a workstation with a wrong clock, a booking day at 2099-01-01).
 */
export function stampFromInput(text: string, where: string): number {
  const wall = parseWallDateTime(text.replace(/Z$/, ''));
  if (wall === undefined) {
    throw new ControlError(
      400,
      `${where}: modified ${JSON.stringify(text)} is not a date-time (YYYY-MM-DDTHH:MM:SS, Amsterdam wall time)`,
    );
  }
  return Math.floor(wall);
}
