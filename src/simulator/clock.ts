import { instantToWallSeconds, startOfWallDay } from './amsterdam-time.js';

/** The simulator's notion of "now", replaceable in tests. */
export interface Clock {
  nowInstantMs(): number;
  /** The current Amsterdam wall time in whole seconds. */
  nowWall(): number;
  /** Midnight (wall) of the current Amsterdam day. */
  todayWall(): number;
}

export function createClock(now: () => Date = () => new Date()): Clock {
  return {
    nowInstantMs: () => now().getTime(),
    nowWall: () => instantToWallSeconds(now().getTime()),
    todayWall: () => startOfWallDay(instantToWallSeconds(now().getTime())),
  };
}
