/**
 * How many AFAS connector calls the simulator is answering at once, and the most it has seen: a
 * simulator is one AFAS environment, so this is what AFAS's limit of concurrent calls per
 * environment is about. OAuth token requests are not counted (they are not connector calls).
 */
export class CallConcurrency {
  private current = 0;
  private peak = 0;

  /** A call arrived; the returned function marks it answered (once, however often it is called). */
  enter(): () => void {
    this.current += 1;
    this.peak = Math.max(this.peak, this.current);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.current -= 1;
    };
  }

  snapshot(): { inFlight: number; max: number } {
    return { inFlight: this.current, max: this.peak };
  }

  /** Starts a new measurement: the most seen becomes what is in flight now. */
  reset(): { inFlight: number; max: number } {
    const before = this.snapshot();
    this.peak = this.current;
    return before;
  }
}
