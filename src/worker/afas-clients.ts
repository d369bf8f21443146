import { AfasClient } from '../afas/index.js';
import type { SourceRecord, SourceStore } from '../db/sources.js';
import type { AfasApi } from '../activities/afas-session.js';
import type { AfasClientProvider } from '../activities/deps.js';

/**
 * One keep-alive AFAS client per source, reused by all activities of this worker. A changed
 * source (new token, URL) gets a fresh client; the token is decrypted only here.
 */
export class CachedAfasClients implements AfasClientProvider {
  private readonly clients = new Map<string, { version: string; client: AfasClient }>();

  constructor(
    private readonly sources: SourceStore,
    private readonly options: { requestTimeoutMs: number; connections: number },
  ) {}

  async open(source: SourceRecord): Promise<AfasApi> {
    const version = `${source.updatedAt.getTime()}:${source.tokenKeyId}`;
    const cached = this.clients.get(source.name);
    if (cached && cached.version === version) return cached.client;
    if (cached) await cached.client.close().catch(() => undefined);
    const client = new AfasClient({
      environmentId: source.environmentId,
      environmentType: source.environmentType,
      ...(source.baseUrl ? { baseUrl: source.baseUrl } : {}),
      ...(source.integrationId ? { integrationId: source.integrationId } : {}),
      token: await this.sources.token(source.name),
      requestTimeoutMs: this.options.requestTimeoutMs,
      connections: this.options.connections,
    });
    this.clients.set(source.name, { version, client });
    return client;
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((entry) => entry.client.close().catch(() => undefined)));
  }
}
