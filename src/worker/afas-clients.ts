import { AfasClient, resolveBaseUrl } from '../afas/index.js';
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
    // Where the token goes is part of the version: a URL changed in the database (even without
    // updated_at) must reach the token's binding check, not reuse the client of the old URL.
    const version = JSON.stringify([
      source.updatedAt.getTime(),
      source.tokenKeyId,
      source.environmentId,
      source.environmentType,
      source.baseUrl,
      source.allowInsecureHttp,
    ]);
    const cached = this.clients.get(source.name);
    if (cached && cached.version === version) return cached.client;
    if (cached) await cached.client.close().catch(() => undefined);
    // A URL the client refuses (credentials, plain http) is reported as such, before the token is opened.
    resolveBaseUrl({ ...source, baseUrl: source.baseUrl ?? undefined });
    // The token authenticates only with the environment and URL it was sealed for, read with it:
    // the client is built from those, never from the (possibly older) record.
    const credential = await this.sources.credential(source.name);
    const client = new AfasClient({
      environmentId: credential.environmentId,
      environmentType: credential.environmentType,
      ...(credential.baseUrl ? { baseUrl: credential.baseUrl } : {}),
      allowInsecureHttp: credential.allowInsecureHttp,
      ...(source.integrationId ? { integrationId: source.integrationId } : {}),
      token: credential.token,
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
