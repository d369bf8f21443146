// Prometheus metrics of afas-sync, in their own Registry: rows written, AFAS requests, retries,
// page latency, and per-source freshness computed from `sources` at scrape time.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AfasApi } from '../activities/afas-session.js';
import type { ActivityMetrics } from '../activities/deps.js';
import type { DatasetCounts, RunStatus } from '../db/runs.js';
import {
  instrumentAfasApi,
  type AfasRequestKind,
  type AfasRequestObserver,
  type AfasRequestOutcome,
} from './afas-instrumentation.js';
import { credentialExpirySeconds, type CredentialExpiryInput } from './credential-expiry.js';
import { freshnessOf, type FreshnessInput } from './freshness.js';
import type { Logger } from './logger.js';

export interface SourceFreshnessRow extends FreshnessInput, CredentialExpiryInput {
  name: string;
  status: 'active' | 'needs_attention';
}

/** Reads the sources for the freshness gauges (the DB is read once per scrape, at most once a second). */
export type SourceLister = () => Promise<SourceFreshnessRow[]>;

/** Each source's latest ledger proof (issue 18): how many periods differ from AFAS's period balances. */
export type LedgerLister = () => Promise<{ source: string; periodsDifferent: number }[]>;
/** Write-back batches not (yet) confirmed, counted per source and status. */
export type PostBatchLister = () => Promise<{ source: string; status: string; batches: number }[]>;

const PAGE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class SyncMetrics implements ActivityMetrics, AfasRequestObserver {
  readonly registry = new Registry();
  readonly #rows: Counter<'dataset' | 'operation'>;
  readonly #pages: Counter<'dataset'>;
  readonly #calls: Counter<'source'>;
  readonly #inlineRetries: Counter<'source'>;
  readonly #requests: Counter<'source' | 'request' | 'status_class'>;
  readonly #retries: Counter<'source' | 'error_class'>;
  readonly #pageSeconds: Histogram<'source'>;
  readonly #runs: Counter<'source' | 'status'>;
  readonly #scrapeErrors: Counter;
  #lister: SourceLister | undefined;
  #ledger: LedgerLister | undefined;
  #postBatches: PostBatchLister | undefined;
  #snapshot: { at: number; rows: Promise<SourceFreshnessRow[] | undefined> } | undefined;

  constructor(private readonly options: { logger?: Logger; defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.#rows = new Counter({
      name: 'afas_sync_rows_written_total',
      help: 'Rows committed to PostgreSQL per dataset, by operation (inserted, updated, deleted)',
      labelNames: ['dataset', 'operation'],
      registers,
    });
    this.#pages = new Counter({
      name: 'afas_sync_pages_total',
      help: 'AFAS pages committed per dataset',
      labelNames: ['dataset'],
      registers,
    });
    this.#calls = new Counter({
      name: 'afas_sync_afas_calls_total',
      help: 'AFAS calls made by activities per source, as the activities count them (attempts included)',
      labelNames: ['source'],
      registers,
    });
    this.#inlineRetries = new Counter({
      name: 'afas_sync_afas_inline_retries_total',
      help: 'AFAS calls retried in place by activities per source (before Temporal retries the activity)',
      labelNames: ['source'],
      registers,
    });
    this.#requests = new Counter({
      name: 'afas_sync_afas_requests_total',
      help: 'AFAS requests (metainfo, describe, page) by status class: 2xx, 4xx, 5xx, network, timeout, aborted, bad_response, error',
      labelNames: ['source', 'request', 'status_class'],
      registers,
    });
    this.#retries = new Counter({
      name: 'afas_sync_afas_retries_total',
      help: 'AFAS requests that failed with a retryable error, by error class (locked, transient); each is retried inline or by Temporal',
      labelNames: ['source', 'error_class'],
      registers,
    });
    this.#pageSeconds = new Histogram({
      name: 'afas_sync_afas_page_duration_seconds',
      help: 'Latency of one GetConnector page request to AFAS',
      labelNames: ['source'],
      buckets: PAGE_BUCKETS,
      registers,
    });
    this.#runs = new Counter({
      name: 'afas_sync_runs_finished_total',
      help: 'Sync runs finished per source, by outcome (succeeded, partial, failed, cancelled)',
      labelNames: ['source', 'status'],
      registers,
    });
    this.#scrapeErrors = new Counter({
      name: 'afas_sync_metrics_source_read_errors_total',
      help: 'Scrapes whose read of the sources table (for the freshness gauges) failed',
      registers,
      // Waits for this scrape's read, so a failure shows in the same scrape.
      collect: async () => {
        await this.sources();
      },
    });
    this.freshnessGauges(registers);
    this.ledgerGauge(registers);
    this.postBatchGauge(registers);
  }

  /** Where the freshness gauges read sources from; without it they stay empty. */
  watchSources(lister: SourceLister): void {
    this.#lister = lister;
    this.#snapshot = undefined;
  }

  /** Where the ledger gauge reads each source's latest proof from; without it the gauge stays empty. */
  watchLedger(lister: LedgerLister): void {
    this.#ledger = lister;
  }

  /** Where the write-back gauge reads open batches from; without it the gauge stays empty. */
  watchPostBatches(lister: PostBatchLister): void {
    this.#postBatches = lister;
  }

  /** Wraps an AFAS client so its requests are counted and timed. */
  readonly instrumentAfas = (source: string, api: AfasApi): AfasApi => instrumentAfasApi(api, source, this);

  recordRows(dataset: string, counts: DatasetCounts): void {
    if (counts.inserted) this.#rows.inc({ dataset, operation: 'inserted' }, counts.inserted);
    if (counts.updated) this.#rows.inc({ dataset, operation: 'updated' }, counts.updated);
    if (counts.deleted) this.#rows.inc({ dataset, operation: 'deleted' }, counts.deleted);
    if (counts.pages) this.#pages.inc({ dataset }, counts.pages);
  }

  recordAfasCalls(source: string, calls: number, retries: number): void {
    if (calls) this.#calls.inc({ source }, calls);
    if (retries) this.#inlineRetries.inc({ source }, retries);
  }

  recordRunFinished(source: string, status: Exclude<RunStatus, 'running'>): void {
    this.#runs.inc({ source, status });
  }

  observeAfasRequest(source: string, kind: AfasRequestKind, outcome: AfasRequestOutcome): void {
    this.#requests.inc({ source, request: kind, status_class: outcome.statusClass });
    if (outcome.retryClass) this.#retries.inc({ source, error_class: outcome.retryClass });
    if (kind === 'page') this.#pageSeconds.observe({ source }, outcome.seconds);
  }

  private freshnessGauges(registers: Registry[]): void {
    const sources = () => this.sources();
    new Gauge({
      name: 'afas_sync_source_last_success_age_seconds',
      help: 'Seconds since the source last synced successfully (since it was registered when it never did)',
      labelNames: ['source'],
      registers,
      async collect() {
        this.reset();
        for (const row of (await sources()) ?? [])
          this.set({ source: row.name }, freshnessOf(row).ageSeconds);
      },
    });
    new Gauge({
      name: 'afas_sync_source_stale',
      help: '1 when the source has not synced successfully for 3 sync intervals, else 0',
      labelNames: ['source'],
      registers,
      async collect() {
        this.reset();
        for (const row of (await sources()) ?? [])
          this.set({ source: row.name }, freshnessOf(row).stale ? 1 : 0);
      },
    });
    new Gauge({
      name: 'afas_sync_stale_sources',
      help: 'Number of stale sources (no successful sync for 3 sync intervals)',
      registers,
      async collect() {
        const rows = await sources();
        if (rows) this.set(rows.filter((row) => freshnessOf(row).stale).length);
      },
    });
    new Gauge({
      name: 'afas_sync_source_needs_attention',
      help: '1 when the source needs an operator (token refused, connectors missing), else 0',
      labelNames: ['source'],
      registers,
      async collect() {
        this.reset();
        for (const row of (await sources()) ?? [])
          this.set({ source: row.name }, row.status === 'needs_attention' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'afas_sync_credential_expiry_seconds',
      help:
        "Seconds until the source's credential stops working, negative once it did: a classic token until " +
        '2027-08-31 00:00 Europe/Amsterdam (AFAS retires them), an OAuth client secret until 00:00 ' +
        'Europe/Amsterdam of the expiry date entered with --secret-expires; no sample without that date',
      labelNames: ['source'],
      registers,
      async collect() {
        this.reset();
        for (const row of (await sources()) ?? []) {
          const seconds = credentialExpirySeconds(row);
          if (seconds !== undefined) this.set({ source: row.name }, seconds);
        }
      },
    });
  }

  private ledgerGauge(registers: Registry[]): void {
    const read = () => this.#ledger?.();
    const { logger } = this.options;
    new Gauge({
      name: 'afas_sync_source_ledger_differing_periods',
      help:
        "Periods whose journal lines differ from AFAS's own period balances in the source's latest ledger " +
        'proof, after its repair (flagged differences included); no sample before the first proof',
      labelNames: ['source'],
      registers,
      async collect() {
        this.reset();
        try {
          for (const row of (await read()) ?? []) this.set({ source: row.source }, row.periodsDifferent);
        } catch (error) {
          logger?.warn({ error: (error as Error).message }, 'metrics: reading the ledger proofs failed');
        }
      },
    });
  }

  private postBatchGauge(registers: Registry[]): void {
    const read = () => this.#postBatches?.();
    const { logger } = this.options;
    new Gauge({
      name: 'afas_sync_post_batches',
      help:
        'Write-back batches that are not confirmed, per source and status: posting, compensating, ' +
        'posted_unconfirmed (in AFAS, not yet in journal_lines) and compensation_incomplete (entries ' +
        'left in AFAS: an operator must look)',
      labelNames: ['source', 'status'],
      registers,
      async collect() {
        this.reset();
        try {
          for (const row of (await read()) ?? [])
            this.set({ source: row.source, status: row.status }, row.batches);
        } catch (error) {
          logger?.warn({ error: (error as Error).message }, 'metrics: reading the write-back batches failed');
        }
      },
    });
  }

  /** One read of the sources per scrape (gauges share it); undefined when it failed or nothing is watched. */
  private sources(): Promise<SourceFreshnessRow[] | undefined> {
    const lister = this.#lister;
    if (!lister) return Promise.resolve(undefined);
    const now = Date.now();
    if (!this.#snapshot || now - this.#snapshot.at > 1_000) {
      this.#snapshot = {
        at: now,
        rows: lister().catch((error: unknown) => {
          this.#scrapeErrors.inc();
          this.options.logger?.warn({ error: (error as Error).message }, 'metrics: reading sources failed');
          return undefined;
        }),
      };
    }
    return this.#snapshot.rows;
  }
}
