// The few simulator control calls the soak and bench:post make (`/__sim`, see src/simulator/README.md).
import type { RequestLogEntry } from '../../src/simulator/request-log.js';
import type { AfasFaultRule, MasterChange } from './schedule.js';

/** One AFAS call as the simulator's request log keeps it (the fields the tools read). */
export type LoggedCall = Pick<
  RequestLogEntry,
  'seq' | 'timestamp' | 'method' | 'path' | 'connector' | 'status' | 'durationMs' | 'fault'
>;

export class SimulatorControl {
  constructor(readonly url: string) {}

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}/__sim/${path}`, {
      method,
      signal: AbortSignal.timeout(30_000),
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    if (response.status >= 400)
      throw new Error(`simulator ${method} /__sim/${path} → ${response.status}: ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  async fault(rule: AfasFaultRule): Promise<void> {
    await this.call('POST', 'faults', rule);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', 'faults');
  }

  async mutateJournal(days: number, seed: number): Promise<void> {
    await this.call('POST', 'mutate-random', { days, seed });
  }

  async master(change: MasterChange): Promise<void> {
    const { connector, ...body } = change;
    await this.call('POST', `master/${encodeURIComponent(connector)}`, body);
  }

  /** The sequence number of the last AFAS call logged (0: none yet). */
  async lastSeq(): Promise<number> {
    const body = (await this.call('GET', 'requests?limit=1')) as { entries: { seq: number }[] };
    return body.entries[0]?.seq ?? 0;
  }

  /** The request log after `seq`: its entries, and how many calls it has dropped (it keeps the last 50,000). */
  private async requestLog(seq: number): Promise<{ entries: LoggedCall[]; dropped: number }> {
    return (await this.call('GET', `requests?since=${seq}`)) as { entries: LoggedCall[]; dropped: number };
  }

  /**
   * Every AFAS call logged after `seq`. Refuses once the log (it keeps the last 50,000) has
   * dropped any call: a count from it could be short.
   */
  async callsSince(seq: number): Promise<LoggedCall[]> {
    const body = await this.requestLog(seq);
    if (body.dropped > 0)
      throw new Error(
        `the simulator's request log dropped ${body.dropped} calls: counts from it could be short`,
      );
    return body.entries;
  }

  /** AFAS calls logged after `seq` (the log keeps the last 50,000). */
  async requestsSince(seq: number): Promise<{ seq: number; fault: string | null; status: number }[]> {
    return (await this.requestLog(seq)).entries;
  }
}
