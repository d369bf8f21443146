// Metrics without a worker: the activity-facing API, the AFAS request wrapper, freshness at scrape
// time, and the HTTP endpoint that appends Temporal's own exporter.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { AfasApi } from '../../src/activities/afas-session.js';
import { AfasHttpError, type AfasMetainfo, type AfasPage } from '../../src/afas/index.js';
import { freshnessOf } from '../../src/observability/freshness.js';
import { startMetricsServer, type RunningMetricsServer } from '../../src/observability/http-server.js';
import { SyncMetrics } from '../../src/observability/metrics.js';
import { freePort } from '../../src/temporal/dev-server.js';

const CLASSIC = { credentialKind: 'token', oauthClientId: null, secretExpiresOn: null } as const;

function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((entry) => entry.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

function locked(): AfasHttpError {
  return new AfasHttpError('AFAS answered 500: record is locked by another user', {
    status: 500,
    afasMessage: 'De boekingslaag is geblokkeerd door een andere gebruiker',
    errorNumber: null,
    profitLogReference: 'ABC123',
    retryAfterMs: null,
    bodyExcerpt: null,
    queryLength: 10,
  });
}

/** A fake AFAS client: two pages, then done; the first metainfo call fails with a lock. */
function fakeApi(): AfasApi & { describes: number } {
  let metainfoCalls = 0;
  const page = (skip: number, next: AfasPage['next']): AfasPage =>
    ({ rows: [{ A: skip }], skip, take: 1, next }) as unknown as AfasPage;
  return {
    describes: 0,
    metainfo() {
      metainfoCalls += 1;
      return metainfoCalls === 1
        ? Promise.reject(locked())
        : Promise.resolve({ getConnectors: [], updateConnectors: [], info: null } as AfasMetainfo);
    },
    describeGetConnector(this: { describes: number }) {
      this.describes += 1;
      return Promise.resolve({ name: 'X', description: null, fields: [] });
    },
    async *pages() {
      await Promise.resolve();
      yield page(0, { part: 0, skip: 1 });
      yield page(1, null);
    },
    insert: () => Promise.resolve({ status: 201, results: { FiEntryPar: { EnNo: '1' } } }),
    delete: () => Promise.reject(locked()),
  };
}

describe('SyncMetrics', () => {
  let server: RunningMetricsServer | undefined;
  let temporal: Server | undefined;
  afterEach(async () => {
    await server?.close();
    await new Promise((resolve) => (temporal ? temporal.close(resolve) : resolve(undefined)));
    server = undefined;
    temporal = undefined;
  });

  it('counts rows, AFAS requests by status class, retryable errors by class and page latency', async () => {
    const metrics = new SyncMetrics({ defaultMetrics: false });
    metrics.recordRows('journal_lines', {
      inserted: 10,
      updated: 2,
      deleted: 1,
      pages: 3,
      afasCalls: 3,
      retries: 0,
    });
    metrics.recordAfasCalls('acme', 5, 1);
    metrics.recordRunFinished('acme', 'partial');
    const api = metrics.instrumentAfas('acme', fakeApi());
    await expect(api.metainfo()).rejects.toBeInstanceOf(AfasHttpError);
    await api.metainfo();
    await api.describeGetConnector('Profit_X');
    await api.describeGetConnector('Profit_X');
    const pages: AfasPage[] = [];
    for await (const page of api.pages('Profit_X', { orderBy: ['A'] })) pages.push(page);
    expect(pages).toHaveLength(2);
    await api.insert('FiEntries', { FiEntryPar: { Element: {} } });
    await expect(
      api.delete('FiEntries', [{ object: 'FiEntryPar', keys: { UnId: 1 } }]),
    ).rejects.toBeInstanceOf(AfasHttpError);

    const text = await metrics.registry.metrics();
    expect(sample(text, 'afas_sync_rows_written_total{dataset="journal_lines",operation="inserted"}')).toBe(
      10,
    );
    expect(sample(text, 'afas_sync_rows_written_total{dataset="journal_lines",operation="deleted"}')).toBe(1);
    expect(
      sample(text, 'afas_sync_afas_requests_total{source="acme",request="metainfo",status_class="5xx"}'),
    ).toBe(1);
    expect(
      sample(text, 'afas_sync_afas_requests_total{source="acme",request="metainfo",status_class="2xx"}'),
    ).toBe(1);
    expect(
      sample(text, 'afas_sync_afas_requests_total{source="acme",request="describe",status_class="2xx"}'),
    ).toBe(1);
    expect(
      sample(text, 'afas_sync_afas_requests_total{source="acme",request="page",status_class="2xx"}'),
    ).toBe(2);
    expect(
      sample(text, 'afas_sync_afas_requests_total{source="acme",request="insert",status_class="2xx"}'),
    ).toBe(1);
    expect(
      sample(text, 'afas_sync_afas_requests_total{source="acme",request="delete",status_class="5xx"}'),
    ).toBe(1);
    expect(sample(text, 'afas_sync_afas_retries_total{source="acme",error_class="locked"}')).toBe(2);
    expect(sample(text, 'afas_sync_afas_page_duration_seconds_count{source="acme"}')).toBe(2);
    expect(sample(text, 'afas_sync_afas_inline_retries_total{source="acme"}')).toBe(1);
    expect(sample(text, 'afas_sync_runs_finished_total{source="acme",status="partial"}')).toBe(1);
  });

  it('computes freshness and staleness from the sources at scrape time', async () => {
    const metrics = new SyncMetrics({ defaultMetrics: false });
    const now = Date.now();
    let reads = 0;
    metrics.watchSources(() => {
      reads += 1;
      return Promise.resolve([
        {
          name: 'fresh',
          status: 'active',
          lastSuccessAt: new Date(now - 60_000),
          createdAt: new Date(now - 86_400_000),
          syncIntervalSeconds: 900,
          ...CLASSIC,
        },
        {
          name: 'old',
          status: 'needs_attention',
          lastSuccessAt: new Date(now - 3 * 3_600_000),
          createdAt: new Date(now - 86_400_000),
          syncIntervalSeconds: 900,
          ...CLASSIC,
        },
        {
          name: 'new',
          status: 'active',
          lastSuccessAt: null,
          createdAt: new Date(now - 10_000),
          syncIntervalSeconds: 900,
          ...CLASSIC,
        },
      ]);
    });
    const text = await metrics.registry.metrics();
    expect(reads).toBe(1);
    expect(sample(text, 'afas_sync_source_last_success_age_seconds{source="fresh"}')).toBeGreaterThanOrEqual(
      60,
    );
    expect(sample(text, 'afas_sync_source_stale{source="fresh"}')).toBe(0);
    expect(sample(text, 'afas_sync_source_stale{source="old"}')).toBe(1);
    expect(sample(text, 'afas_sync_source_stale{source="new"}')).toBe(0);
    expect(sample(text, 'afas_sync_stale_sources')).toBe(1);
    expect(sample(text, 'afas_sync_source_needs_attention{source="old"}')).toBe(1);

    metrics.watchSources(() => Promise.reject(new Error('database down')));
    const failing = await metrics.registry.metrics();
    expect(sample(failing, 'afas_sync_metrics_source_read_errors_total')).toBe(1);
    expect(failing).not.toContain('afas_sync_source_stale{');
  });

  it('exports seconds until each credential stops working: classic tokens, dated OAuth secrets', async () => {
    const metrics = new SyncMetrics({ defaultMetrics: false });
    const row = {
      status: 'active' as const,
      lastSuccessAt: null,
      createdAt: new Date(),
      syncIntervalSeconds: 900,
    };
    metrics.watchSources(() =>
      Promise.resolve([
        { ...row, name: 'classic', ...CLASSIC },
        {
          ...row,
          name: 'dated',
          credentialKind: 'oauth',
          oauthClientId: 'c1',
          secretExpiresOn: '2027-01-15',
        },
        { ...row, name: 'undated', credentialKind: 'oauth', oauthClientId: 'c2', secretExpiresOn: null },
      ]),
    );
    const before = Date.now();
    const text = await metrics.registry.metrics();
    const after = Date.now();
    const between = (value: number | undefined, instant: string) => {
      expect(value).toBeLessThanOrEqual(Math.ceil((Date.parse(instant) - before) / 1000));
      expect(value).toBeGreaterThanOrEqual(Math.floor((Date.parse(instant) - after) / 1000));
    };
    // 00:00 Europe/Amsterdam: summer time (UTC+2) on 31 August, winter time (UTC+1) in January.
    between(sample(text, 'afas_sync_credential_expiry_seconds{source="classic"}'), '2027-08-30T22:00:00Z');
    between(sample(text, 'afas_sync_credential_expiry_seconds{source="dated"}'), '2027-01-14T23:00:00Z');
    expect(text).not.toContain('afas_sync_credential_expiry_seconds{source="undated"}');
  });

  it("exports each source's differing ledger periods from its latest proof, read at scrape time", async () => {
    const metrics = new SyncMetrics({ defaultMetrics: false });
    let proofs = [
      { source: 'acme', periodsDifferent: 2 },
      { source: 'clean', periodsDifferent: 0 },
    ];
    metrics.watchLedger(() => Promise.resolve(proofs));
    const text = await metrics.registry.metrics();
    expect(sample(text, 'afas_sync_source_ledger_differing_periods{source="acme"}')).toBe(2);
    expect(sample(text, 'afas_sync_source_ledger_differing_periods{source="clean"}')).toBe(0);
    proofs = [{ source: 'clean', periodsDifferent: 0 }];
    const later = await metrics.registry.metrics();
    expect(sample(later, 'afas_sync_source_ledger_differing_periods{source="acme"}')).toBeUndefined();
    metrics.watchLedger(() => Promise.reject(new Error('database down')));
    const failing = await metrics.registry.metrics();
    expect(failing).toContain('# TYPE afas_sync_source_ledger_differing_periods gauge');
    expect(sample(failing, 'afas_sync_source_ledger_differing_periods{source="clean"}')).toBeUndefined();
  });

  it('counts the write-back batches that are not confirmed, per source and status, from each scrape', async () => {
    const metrics = new SyncMetrics();
    const gauge = 'afas_sync_post_batches';
    expect(await metrics.registry.metrics()).not.toContain(`${gauge}{`);
    let open = [
      { source: 'acme', status: 'compensation_incomplete', batches: 1 },
      { source: 'acme', status: 'posted_unconfirmed', batches: 2 },
    ];
    metrics.watchPostBatches(() => Promise.resolve(open));
    const text = await metrics.registry.metrics();
    expect(sample(text, `${gauge}{source="acme",status="compensation_incomplete"}`)).toBe(1);
    expect(sample(text, `${gauge}{source="acme",status="posted_unconfirmed"}`)).toBe(2);
    // A batch confirmed since is gone from the next scrape, not left at its last value.
    open = [{ source: 'acme', status: 'compensation_incomplete', batches: 1 }];
    const later = await metrics.registry.metrics();
    expect(sample(later, `${gauge}{source="acme",status="posted_unconfirmed"}`)).toBeUndefined();
    metrics.watchPostBatches(() => Promise.reject(new Error('database down')));
    const failing = await metrics.registry.metrics();
    expect(failing).toContain(`# TYPE ${gauge} gauge`);
    expect(sample(failing, `${gauge}{source="acme",status="compensation_incomplete"}`)).toBeUndefined();
  });

  it('applies the stale rule: 3 intervals by default, or an explicit threshold', () => {
    const now = new Date('2025-06-01T12:00:00Z');
    const source = {
      lastSuccessAt: new Date('2025-06-01T11:00:00Z'),
      createdAt: new Date('2025-01-01T00:00:00Z'),
      syncIntervalSeconds: 900,
    };
    expect(freshnessOf(source, now)).toEqual({
      ageSeconds: 3600,
      neverSucceeded: false,
      staleAfterSeconds: 2700,
      stale: true,
    });
    expect(freshnessOf(source, now, 7200).stale).toBe(false);
  });

  it("serves /metrics with Temporal's exporter appended, /healthz, and /readyz from the readiness check", async () => {
    const temporalPort = await freePort();
    temporal = createServer((_req, res) =>
      res.end('# HELP temporal_request x\n# TYPE temporal_request counter\ntemporal_request{op="x"} 3\n'),
    );
    await new Promise<void>((resolve) => temporal?.listen(temporalPort, '127.0.0.1', resolve));
    const metrics = new SyncMetrics();
    let ready = false;
    server = await startMetricsServer({
      port: await freePort(),
      host: '127.0.0.1',
      registry: metrics.registry,
      temporalMetricsUrl: `http://127.0.0.1:${temporalPort}/metrics`,
      readiness: () => Promise.resolve({ ready, checks: { worker: ready ? 'ok' : 'starting' } }),
    });
    const base = `http://127.0.0.1:${server.port}`;
    const body = await (await fetch(`${base}/metrics`)).text();
    expect(body).toContain('# HELP afas_sync_rows_written_total');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('temporal_request{op="x"} 3');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);

    await expect(
      startMetricsServer({
        port: server.port,
        host: '127.0.0.1',
        registry: metrics.registry,
        readiness: () => Promise.resolve({ ready, checks: {} }),
      }),
    ).rejects.toThrow(`METRICS_PORT: port ${server.port} is already in use`);
  });

  it('notes an unreachable Temporal exporter as a comment instead of failing the scrape', async () => {
    const metrics = new SyncMetrics({ defaultMetrics: false });
    server = await startMetricsServer({
      port: await freePort(),
      host: '127.0.0.1',
      registry: metrics.registry,
      temporalMetricsUrl: `http://127.0.0.1:${await freePort()}/metrics`,
      readiness: () => Promise.resolve({ ready: true, checks: {} }),
    });
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/# Temporal metrics unavailable: /);
  });
});
