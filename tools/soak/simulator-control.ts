// The few simulator control calls the soak makes (`/__sim`, see src/simulator/README.md).
import type { AfasFaultRule, MasterChange } from './schedule.js';

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

  /** AFAS calls logged after `seq` (the log keeps the last 50,000). */
  async requestsSince(seq: number): Promise<{ seq: number; fault: string | null; status: number }[]> {
    const body = (await this.call('GET', `requests?since=${seq}`)) as {
      entries: { seq: number; fault: string | null; status: number }[];
    };
    return body.entries;
  }
}
