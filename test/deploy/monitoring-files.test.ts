// The monitoring files under deploy/ and their wiring in docker-compose.yml, checked without
// Prometheus, Grafana or Docker: alert rule structure, the scrape target against the worker's
// METRICS_PORT, the Grafana provisioning paths against the compose mounts, and no literal secret.
// (That every metric they read exists is monitoring-metrics.test.ts's job, with a real worker.)
import { existsSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ALERT_RULES,
  dashboard,
  GRAFANA_DASHBOARDS,
  GRAFANA_DATASOURCES,
  PROMETHEUS_CONFIG,
  prometheusConfig,
  readRepoFile,
  ROOT,
  ruleFile,
} from '../helpers/monitoring-files.js';

interface Service {
  image?: string;
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  command?: string[];
  ports?: string[];
  depends_on?: string[] | Record<string, unknown>;
}
const compose = parse(readRepoFile('docker-compose.yml')) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const service = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};
const env = (name: string, key: string) => String(service(name).environment?.[key] ?? '');

/** The host path (relative to the repository, without `./`) that a service's bind mounts put at `containerPath`. */
function hostPathOf(name: string, containerPath: string): string | undefined {
  for (const volume of service(name).volumes ?? []) {
    const [host, target] = volume.split(':');
    if (!host?.startsWith('./') || !target) continue;
    if (containerPath === target || containerPath.startsWith(`${target}/`))
      return posix.join(host, posix.relative(target, containerPath));
  }
  return undefined;
}

/** A Prometheus duration such as `5m`, `1h30m`, `15s`. */
const PROM_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

describe('deploy/prometheus/alerts.yml', () => {
  const rules = ruleFile().groups.flatMap((group) => group.rules);

  it('has the alerts issue 17 asks for', () => {
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'AfasSyncSourceStale',
        'AfasSyncSourceNeedsAttention',
        'AfasSyncRepeatedRunFailures',
        'AfasSyncNoWorkerPolling',
        'AfasSyncAfasServerErrors',
        'AfasSyncCredentialExpiringSoon',
        'AfasSyncWriteBackIncomplete',
        'AfasSyncWriteBackUnconfirmed',
      ]),
    );
    const expiring = rules.find((rule) => rule.alert === 'AfasSyncCredentialExpiringSoon');
    expect(expiring?.expr).toMatch(/afas_sync_credential_expiry_seconds\{[^}]*\}\) < 30 \* 86400/);
  });

  it('gives every rule an expr, a for, a severity, a summary and a description', () => {
    const problems = rules.flatMap((rule) => {
      const name = rule.alert ?? '(a rule without alert:)';
      return [
        !rule.alert && `${name}: no alert name`,
        !rule.expr?.trim() && `${name}: no expr`,
        !PROM_DURATION.test(rule.for ?? '') && `${name}: for is ${JSON.stringify(rule.for)}, not a duration`,
        !['warning', 'critical'].includes(rule.labels?.severity ?? '') &&
          `${name}: severity is ${JSON.stringify(rule.labels?.severity)}, not warning or critical`,
        !rule.annotations?.summary?.trim() && `${name}: no summary annotation`,
        !rule.annotations?.description?.trim() && `${name}: no description annotation`,
      ].filter((problem): problem is string => typeof problem === 'string');
    });
    expect(problems).toEqual([]);
    expect(new Set(rules.map((rule) => rule.alert)).size, 'alert names are unique').toBe(rules.length);
  });

  it('names the source in the summary and description of every per-source alert', () => {
    const perSource = rules.filter((rule) => /\bby \(source\)/.test(rule.expr ?? ''));
    expect(perSource.length).toBeGreaterThanOrEqual(5);
    const unnamed = perSource.flatMap((rule) =>
      (['summary', 'description'] as const)
        .filter((key) => !rule.annotations?.[key]?.includes('{{ $labels.source }}'))
        .map((key) => `${rule.alert}: ${key}`),
    );
    expect(unnamed).toEqual([]);
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  const config = prometheusConfig();

  it('loads the alert rules file that sits beside it', () => {
    expect(config.rule_files).toEqual(['alerts.yml']);
    expect(posix.join(posix.dirname(PROMETHEUS_CONFIG), 'alerts.yml')).toBe(ALERT_RULES);
  });

  it("scrapes the compose worker service on the worker's METRICS_PORT", () => {
    const job = config.scrape_configs.find((scrape) => scrape.job_name === 'afas-sync');
    expect(job).toBeDefined();
    const targets = [
      ...(job!.dns_sd_configs ?? []).flatMap((sd) => sd.names.map((host) => `${host}:${sd.port}`)),
      ...(job!.static_configs ?? []).flatMap((sc) => sc.targets),
    ];
    expect(targets).toEqual([`worker:${env('worker', 'METRICS_PORT')}`]);
    expect((service('worker') as { expose?: string[] }).expose).toContain(env('worker', 'METRICS_PORT'));
  });
});

describe('deploy/grafana', () => {
  const board = dashboard();
  const datasources = parse(readRepoFile(GRAFANA_DATASOURCES)) as {
    datasources: { uid: string; type: string; url: string }[];
  };
  const providers = parse(readRepoFile(GRAFANA_DASHBOARDS)) as {
    providers: { options: { path: string } }[];
  };

  it('points every panel and query at the provisioned Prometheus datasource', () => {
    const [source] = datasources.datasources;
    expect(source).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    const elsewhere = board.panels.flatMap((panel) =>
      [panel.datasource, ...(panel.targets ?? []).map((target) => target.datasource)]
        .filter((ds) => ds !== undefined && ds.uid !== source!.uid)
        .map((ds) => `panel "${panel.title}": ${JSON.stringify(ds)}`),
    );
    expect(elsewhere).toEqual([]);
    const withoutQuery = board.panels.filter(
      (panel) => panel.type !== 'row' && !(panel.targets ?? []).some((target) => target.expr?.trim()),
    );
    expect(withoutQuery.map((panel) => panel.title)).toEqual([]);
  });

  it('has the panels the issue asks for', () => {
    const text = JSON.stringify(board);
    const missing = [
      'afas_sync_stale_sources',
      'afas_sync_source_needs_attention',
      'afas_sync_rows_written_total',
      'afas_sync_afas_requests_total',
      'afas_sync_afas_page_duration_seconds_bucket',
      'afas_sync_runs_finished_total',
      'afas_sync_credential_expiry_seconds',
      'afas_sync_source_ledger_differing_periods',
      'afas_sync_post_batches',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ].filter((metric) => !text.includes(metric));
    expect(missing).toEqual([]);
    const ids = board.panels.map((panel) => panel.id);
    expect(new Set(ids).size, 'panel ids are unique').toBe(ids.length);
  });

  it('is provisioned from the folders docker-compose.yml mounts into Grafana', () => {
    const provisioning = hostPathOf('grafana', '/etc/grafana/provisioning');
    expect(provisioning).toBe('deploy/grafana/provisioning');
    for (const kind of ['datasources', 'dashboards'])
      expect(readdirSync(join(ROOT, provisioning!, kind)).length, kind).toBeGreaterThan(0);
    const dashboards = hostPathOf('grafana', providers.providers[0]!.options.path);
    expect(dashboards, 'the provider path is a bind mount').toBeDefined();
    expect(existsSync(join(ROOT, dashboards!, 'afas-sync.json'))).toBe(true);
    const home = hostPathOf('grafana', env('grafana', 'GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH'));
    expect(home && existsSync(join(ROOT, home)), 'the home dashboard is mounted').toBe(true);
  });
});

describe('docker-compose.yml: Prometheus and Grafana', () => {
  it('mounts deploy/prometheus where --config.file looks, and keeps the TSDB on a named volume', () => {
    const args = service('prometheus').command ?? [];
    const configFile = args.find((arg) => arg.startsWith('--config.file='))?.split('=')[1];
    expect(hostPathOf('prometheus', configFile ?? '')).toBe(PROMETHEUS_CONFIG);
    const tsdb = args.find((arg) => arg.startsWith('--storage.tsdb.path='))?.split('=')[1];
    const volume = (service('prometheus').volumes ?? []).find((v) => v.endsWith(`:${tsdb}`));
    expect(Object.keys(compose.volumes ?? {})).toContain(volume?.split(':')[0]);
    expect((service('prometheus').volumes ?? []).find((v) => v.includes('/etc/prometheus'))).toMatch(/:ro$/);
  });

  it('starts Prometheus independently of the worker, so it alerts when the worker cannot start', () => {
    expect(JSON.stringify(service('prometheus').depends_on ?? [])).not.toContain('worker');
  });

  it("takes Grafana's admin password from .env and refuses to start without it", () => {
    expect(env('grafana', 'GF_SECURITY_ADMIN_PASSWORD')).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?[^}]+\}$/);
    expect(readRepoFile('deploy/env.example')).toMatch(/^GRAFANA_ADMIN_PASSWORD=$/m);
    expect(env('grafana', 'GF_AUTH_ANONYMOUS_ENABLED')).toBe('false');
    expect((service('grafana').volumes ?? []).some((v) => v.endsWith(':/var/lib/grafana'))).toBe(true);
  });

  it('binds the Prometheus and Grafana ports to localhost by default (neither is public)', () => {
    for (const name of ['prometheus', 'grafana'])
      for (const port of service(name).ports ?? []) expect(port, name).toMatch(/^'?\$\{\w+:-127\.0\.0\.1\}:/);
  });

  it('documents in deploy/env.example every variable docker-compose.yml reads', () => {
    const used = new Set(
      [...readRepoFile('docker-compose.yml').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!),
    );
    const example = readRepoFile('deploy/env.example');
    const undocumented = [...used].filter((name) => !new RegExp(`^(# )?${name}=`, 'm').test(example));
    expect(undocumented).toEqual([]);
  });
});
