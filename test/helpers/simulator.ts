import { request } from 'undici';

/** Thin client for the simulator's control API (tests only). */
export class SimControl {
  constructor(readonly url: string) {}

  async call<T = unknown>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await request(`${this.url}/__sim/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.body.text();
    if (response.statusCode >= 400)
      throw new Error(`simulator ${method} ${path} → ${response.statusCode}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Every row of a GetConnector in key order, as the GetConnector serializes it. */
  async export(connectorId: string): Promise<Record<string, unknown>[]> {
    const response = await request(`${this.url}/__sim/export/${connectorId}`);
    const text = await response.body.text();
    if (response.statusCode !== 200)
      throw new Error(`export ${connectorId} → ${response.statusCode}: ${text}`);
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  fault(rule: Record<string, unknown>) {
    return this.call('POST', 'faults', rule);
  }

  clearFaults() {
    return this.call('DELETE', 'faults');
  }

  async requests(filter: { connector?: string } = {}): Promise<SimRequest[]> {
    const query = filter.connector ? `?connector=${encodeURIComponent(filter.connector)}` : '';
    const body = await this.call<{ entries: SimRequest[] }>('GET', `requests${query}`);
    return body.entries;
  }

  clearRequests() {
    return this.call('DELETE', 'requests');
  }
}

export interface SimRequest {
  seq: number;
  timestamp: string;
  method: string;
  path: string;
  connector: string | null;
  status: number;
  query: Record<string, string>;
  rows: number | null;
  durationMs: number;
  fault: string | null;
  /** `afas-token`, `bearer`, or `oauth-client` for a token-endpoint request. */
  auth: string | null;
  /** The OAuth client of a token request or Bearer call. */
  clientId: string | null;
}
