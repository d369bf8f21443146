// The worker's AFAS client cache: a changed source gets a new client for new activities, and the
// client it supersedes is closed only when the last activity using it lets go.
import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../src/db/sources.js';
import { CachedAfasClients, type ClosableAfasApi } from '../../src/worker/afas-clients.js';

interface FakeClient extends ClosableAfasApi {
  readonly label: string;
  closes: number;
}

function fakeClient(label: string): FakeClient {
  const unused = (): never => {
    throw new Error('not called in these tests');
  };
  const client: FakeClient = {
    label,
    closes: 0,
    metainfo: unused,
    describeGetConnector: unused,
    pages: unused,
    insert: unused,
    delete: unused,
    close: () => {
      client.closes += 1;
      return Promise.resolve();
    },
  };
  return client;
}

function sourceAt(updatedMs: number, tokenKeyId = 'key-1'): SourceRecord {
  return {
    name: 'acme',
    environmentId: '1',
    environmentType: 'test',
    baseUrl: null,
    allowInsecureHttp: false,
    integrationId: null,
    connectorPrefix: 'Profit_',
    connectorMap: {},
    syncIntervalSeconds: 900,
    maxConcurrency: 4,
    fullReloadMaxRows: 20_000,
    reconcileIntervalSeconds: 3_600,
    massDeletePercent: 50,
    status: 'active',
    statusReason: null,
    lastCheckedAt: null,
    lastSuccessAt: null,
    createdAt: new Date(0),
    updatedAt: new Date(updatedMs),
    tokenKeyId,
    credentialKind: 'token',
    oauthClientId: null,
    secretExpiresOn: null,
    writeBack: false,
  };
}

/** A cache whose connector hands out fake clients labelled by the source version they are for. */
function cacheWithFakes() {
  const made: FakeClient[] = [];
  const cache = new CachedAfasClients((source) => {
    const client = fakeClient(`v${source.updatedAt.getTime()}/${source.tokenKeyId}`);
    made.push(client);
    return Promise.resolve(client);
  });
  const labelOf = (api: unknown) => (api as FakeClient).label;
  return { cache, made, labelOf };
}

describe('CachedAfasClients', () => {
  it('shares one client between activities while the source is unchanged', async () => {
    const { cache, made } = cacheWithFakes();
    const first = await cache.open(sourceAt(1));
    const second = await cache.open(sourceAt(1));
    await first.release();
    const third = await cache.open(sourceAt(1));
    expect(made).toHaveLength(1);
    expect(second.api).toBe(first.api);
    expect(third.api).toBe(first.api);
    await second.release();
    await third.release();
    expect(made[0]?.closes).toBe(0);
  });

  it('closes a superseded client only when the last activity holding it releases it', async () => {
    const { cache, made, labelOf } = cacheWithFakes();
    const running = [await cache.open(sourceAt(1)), await cache.open(sourceAt(1))];
    // `source update`: the row has a new version; the next activity gets a new client.
    const next = await cache.open(sourceAt(2));
    expect(labelOf(next.api)).toBe('v2/key-1');
    const [old, fresh] = made;
    expect(old?.closes).toBe(0);
    await running[0]?.release();
    expect(old?.closes).toBe(0);
    // Releasing twice counts once: the other activity still holds the old client.
    await running[0]?.release();
    expect(old?.closes).toBe(0);
    await running[1]?.release();
    expect(old?.closes).toBe(1);
    // The current client stays open (keep-alive) after its users are done.
    await next.release();
    expect(fresh?.closes).toBe(0);
    expect(labelOf((await cache.open(sourceAt(2))).api)).toBe('v2/key-1');
    expect(made).toHaveLength(2);
  });

  it('closes a superseded client nobody holds at once, and re-sealed tokens count as a change', async () => {
    const { cache, made, labelOf } = cacheWithFakes();
    await (await cache.open(sourceAt(1))).release();
    const resealed = await cache.open(sourceAt(1, 'key-2'));
    expect(labelOf(resealed.api)).toBe('v1/key-2');
    expect(made.map((client) => client.closes)).toEqual([1, 0]);
  });

  it('two activities that find the same new version at once end up on one client', async () => {
    const { cache, made } = cacheWithFakes();
    const [one, two] = await Promise.all([cache.open(sourceAt(3)), cache.open(sourceAt(3))]);
    expect(two?.api).toBe(one?.api);
    expect(made).toHaveLength(2);
    expect(made.filter((client) => client.closes === 1)).toHaveLength(1);
    expect(made.find((client) => client.closes === 1)).not.toBe(one?.api);
  });

  it('closes every client at shutdown, held or superseded, once, and opens no more', async () => {
    const { cache, made } = cacheWithFakes();
    const held = await cache.open(sourceAt(1));
    const current = await cache.open(sourceAt(2));
    await cache.close();
    expect(made.map((client) => client.closes)).toEqual([1, 1]);
    await held.release();
    await current.release();
    expect(made.map((client) => client.closes)).toEqual([1, 1]);
    await expect(cache.open(sourceAt(2))).rejects.toThrow(/cache is closed/);
  });

  it('a source whose client cannot be built leaves the cache as it was', async () => {
    const made: FakeClient[] = [];
    let refuse = false;
    const cache = new CachedAfasClients(() => {
      if (refuse) return Promise.reject(new Error('stored token was sealed with key k9'));
      const client = fakeClient('ok');
      made.push(client);
      return Promise.resolve(client);
    });
    const lease = await cache.open(sourceAt(1));
    refuse = true;
    await expect(cache.open(sourceAt(2))).rejects.toThrow('stored token was sealed with key k9');
    expect(made[0]?.closes).toBe(0);
    expect((await cache.open(sourceAt(1))).api).toBe(lease.api);
  });
});
