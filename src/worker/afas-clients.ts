import { environmentKey, gateFor, type EnvBudget } from '../afas-budget/index.js';
import { AfasClient, authOptions, resolveBaseUrl } from '../afas/index.js';
import type { SourceRecord, SourceStore } from '../db/sources.js';
import type { AfasApi } from '../activities/afas-session.js';
import type { AfasClientProvider, AfasLease } from '../activities/deps.js';

/** An AFAS client the cache owns: what activities call, plus closing its keep-alive pool. */
export type ClosableAfasApi = AfasApi & { close(): Promise<void> };

/** Builds a client for a source as recorded (decrypting its token); throws when it cannot. */
export type AfasConnector = (source: SourceRecord) => Promise<ClosableAfasApi>;

/**
 * The production connector: a keep-alive AfasClient with the source's sealed credential opened (a
 * classic token, or an OAuth client whose access token the client fetches and caches). The
 * credential authenticates only with the environment and URL it was sealed for, read with it: the
 * client is built from those, never from the (possibly older) record. With a budget, every request
 * of the client waits for a place in its environment's budget of concurrent calls (keyed on the
 * same binding: where the requests really go).
 */
export function afasConnector(
  sources: SourceStore,
  options: { requestTimeoutMs: number; connections: number; budget?: EnvBudget },
): AfasConnector {
  return async (source) => {
    // A URL the client refuses (credentials, plain http) is reported as such, before the token is opened.
    resolveBaseUrl({ ...source, baseUrl: source.baseUrl ?? undefined });
    const credential = await sources.credential(source.name);
    const budget = options.budget;
    return new AfasClient({
      environmentId: credential.environmentId,
      environmentType: credential.environmentType,
      ...(credential.baseUrl ? { baseUrl: credential.baseUrl } : {}),
      allowInsecureHttp: credential.allowInsecureHttp,
      ...(source.integrationId ? { integrationId: source.integrationId } : {}),
      ...authOptions(credential.credential),
      requestTimeoutMs: options.requestTimeoutMs,
      connections: options.connections,
      ...(budget ? { callGate: gateFor(budget, environmentKey(credential)) } : {}),
    });
  };
}

interface CachedClient {
  /** The source row's version the client was built from (its token and settings). */
  version: string;
  client: ClosableAfasApi;
  /** Activities holding a lease on it. */
  users: number;
}

/**
 * A changed row (settings, new token, re-sealed token) is a new version. Where the token goes is
 * part of it: a URL changed in the database (even without updated_at) must reach the token's
 * binding check, not reuse the client of the old URL.
 */
const versionOf = (source: SourceRecord) =>
  JSON.stringify([
    source.updatedAt.getTime(),
    source.tokenKeyId,
    source.environmentId,
    source.environmentType,
    source.baseUrl,
    source.allowInsecureHttp,
    source.oauthClientId,
  ]);

const closeQuietly = (client: ClosableAfasApi) => client.close().catch(() => undefined);

/**
 * One keep-alive AFAS client per source, shared by all activities of this worker. A changed
 * source (new token, URL) gets a fresh client for the activities that start from then on; the
 * client it supersedes stays open for the activities already using it, and is closed when the
 * last of them releases it, so a `source update` never fails a running sync.
 */
export class CachedAfasClients implements AfasClientProvider {
  /** The newest client of each source. */
  private readonly current = new Map<string, CachedClient>();
  /** Superseded clients that running activities still hold. */
  private readonly draining = new Set<CachedClient>();
  private closed = false;

  constructor(private readonly connect: AfasConnector) {}

  async open(source: SourceRecord): Promise<AfasLease> {
    return this.leaseOf(await this.acquire(source));
  }

  /** Closes every client, in use or not (worker shutdown: no activity runs any more). */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.current.values(), ...this.draining];
    this.current.clear();
    this.draining.clear();
    await Promise.all(all.map((entry) => closeQuietly(entry.client)));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the AFAS client cache is closed (the worker is shutting down)');
  }

  /** The source's current client, counted as used before anything else can run. */
  private async acquire(source: SourceRecord): Promise<CachedClient> {
    this.assertOpen();
    const version = versionOf(source);
    const cached = this.current.get(source.name);
    if (cached?.version === version) {
      cached.users += 1;
      return cached;
    }
    const client = await this.connect(source);
    if (this.closed) await closeQuietly(client);
    this.assertOpen();
    // Another activity may have connected this version while the token was being opened.
    const now = this.current.get(source.name);
    if (now?.version === version) {
      now.users += 1;
      await closeQuietly(client);
      return now;
    }
    const entry: CachedClient = { version, client, users: 1 };
    this.current.set(source.name, entry);
    if (now) await this.supersede(now);
    return entry;
  }

  private async supersede(entry: CachedClient): Promise<void> {
    if (entry.users === 0) await closeQuietly(entry.client);
    else this.draining.add(entry);
  }

  private leaseOf(entry: CachedClient): AfasLease {
    let released = false;
    return {
      api: entry.client,
      release: async () => {
        if (released) return;
        released = true;
        entry.users -= 1;
        if (entry.users === 0 && this.draining.delete(entry)) await closeQuietly(entry.client);
      },
    };
  }
}
