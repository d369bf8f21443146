// Every metric the alert rules and the Grafana dashboard read must be one a real worker exports:
// `node dist/worker.js` runs against the test Temporal server and PostgreSQL with METRICS_PORT,
// and its /metrics (afas-sync's registry plus Temporal's SDK metrics, once the worker polls) is
// compared with the names the PromQL expressions in deploy/ reference.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/temporal/dev-server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import {
  dashboard,
  dashboardExpressions,
  prometheusConfig,
  ruleExpressions,
  ruleFile,
  type Expression,
} from '../helpers/monitoring-files.js';
import { exposedMetricNames, metricNamesIn, PROMETHEUS_SYNTHETIC } from '../helpers/promql-names.js';
import { WorkerProcess } from '../helpers/worker-process.js';

/** `where: name` for every referenced metric that is neither exported nor added by Prometheus. */
function unknownMetrics(expressions: Expression[], exported: Set<string>): string[] {
  return expressions.flatMap(({ where, expr }) =>
    metricNamesIn(expr)
      .filter((name) => !exported.has(name) && !PROMETHEUS_SYNTHETIC.has(name))
      .map((name) => `${where}: ${name}`),
  );
}

describe('the metrics deploy/ alerts and dashboards on are exported by a real worker', () => {
  let db: TestDatabase;
  let worker: WorkerProcess | undefined;
  let exposition = '';

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    const port = await freePort();
    worker = new WorkerProcess({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `monitoring-${randomBytes(4).toString('hex')}`,
      AFAS_SYNC_SECRET_KEY: randomBytes(32).toString('hex'),
      METRICS_PORT: String(port),
    });
    await worker.start();
    // Temporal's core exports its poller and slot metrics once the worker has started polling.
    const deadline = Date.now() + 60_000;
    while (!/^temporal_num_pollers\{.*poller_type="workflow_task"/m.test(exposition)) {
      if (Date.now() > deadline) throw new Error(`no Temporal poller metrics on /metrics:\n${exposition}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
      exposition = response?.ok ? await response.text() : '';
    }
  });

  afterAll(async () => {
    expect(await worker?.kill('SIGTERM')).toBe(0);
    await db?.drop();
  });

  it('exports afas-sync, Node and Temporal metrics (the three families deploy/ reads)', () => {
    const exported = exposedMetricNames(exposition);
    for (const name of [
      'afas_sync_source_stale',
      'afas_sync_runs_finished_total',
      'afas_sync_afas_page_duration_seconds_bucket',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'temporal_num_pollers',
      'temporal_worker_task_slots_used',
    ])
      expect(exported.has(name), name).toBe(true);
  });

  it('every metric an alert rule reads is exported', () => {
    const expressions = ruleExpressions(ruleFile());
    expect(expressions.length).toBeGreaterThanOrEqual(6);
    expect(unknownMetrics(expressions, exposedMetricNames(exposition))).toEqual([]);
  });

  it('every metric a dashboard panel or variable reads is exported', () => {
    const expressions = dashboardExpressions(dashboard());
    expect(expressions.length).toBeGreaterThan(10);
    expect(unknownMetrics(expressions, exposedMetricNames(exposition))).toEqual([]);
  });

  it('catches a misspelt metric, a Temporal counter with _total, and a histogram without _bucket', () => {
    const [stale] = ruleExpressions(ruleFile()).filter((e) => e.expr.includes('afas_sync_source_stale'));
    expect(stale).toBeDefined();
    const exported = exposedMetricNames(exposition);
    const misspelt = {
      ...stale!,
      expr: stale!.expr.replace('afas_sync_source_stale', 'afas_sync_source_stael'),
    };
    expect(unknownMetrics([misspelt], exported)).toEqual([`${stale!.where}: afas_sync_source_stael`]);
    const wrong = [
      { where: 'x', expr: 'rate(temporal_request_total[5m])' },
      { where: 'y', expr: 'rate(afas_sync_afas_page_duration_seconds[5m])' },
    ];
    expect(unknownMetrics(wrong, exported)).toEqual([
      'x: temporal_request_total',
      'y: afas_sync_afas_page_duration_seconds',
    ]);
  });

  it('selects the scrape job prometheus.yml defines in every expression', () => {
    const jobs = prometheusConfig().scrape_configs.map((config) => config.job_name);
    const expressions = [...ruleExpressions(ruleFile()), ...dashboardExpressions(dashboard())];
    const wrongJob = expressions.flatMap(({ where, expr }) =>
      [...expr.matchAll(/\bjob\s*=~?\s*"([^"]*)"/g)]
        .map((match) => match[1]!)
        .filter((job) => !jobs.includes(job))
        .map((job) => `${where}: job="${job}"`),
    );
    expect(wrongJob).toEqual([]);
    // Unfiltered by job, a rule would also see any other target's metrics of the same name.
    const unfiltered = expressions
      .filter(({ expr }) => metricNamesIn(expr).length > 0 && !/\bjob\s*=/.test(expr))
      .map(({ where }) => where);
    expect(unfiltered).toEqual([]);
  });
});
