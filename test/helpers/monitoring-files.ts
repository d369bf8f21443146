// The monitoring files under deploy/ (Prometheus config and alert rules, the Grafana dashboard and
// its provisioning), parsed, with every PromQL expression they hold and where it came from.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const readRepoFile = (path: string) => readFileSync(join(ROOT, path), 'utf8');

export const PROMETHEUS_CONFIG = 'deploy/prometheus/prometheus.yml';
export const ALERT_RULES = 'deploy/prometheus/alerts.yml';
export const DASHBOARD = 'deploy/grafana/dashboards/afas-sync.json';
export const GRAFANA_DATASOURCES = 'deploy/grafana/provisioning/datasources/prometheus.yml';
export const GRAFANA_DASHBOARDS = 'deploy/grafana/provisioning/dashboards/afas-sync.yml';

export interface AlertRule {
  alert?: string;
  record?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleFile {
  groups: { name: string; rules: AlertRule[] }[];
}
export interface PrometheusConfig {
  global?: { scrape_interval?: string };
  rule_files?: string[];
  scrape_configs: {
    job_name: string;
    static_configs?: { targets: string[] }[];
    dns_sd_configs?: { names: string[]; type?: string; port?: number }[];
  }[];
}
export interface DashboardTarget {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}
export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating?: { list: { name: string; query?: string | { query?: string } }[] };
}

export const ruleFile = () => parse(readRepoFile(ALERT_RULES)) as RuleFile;
export const prometheusConfig = () => parse(readRepoFile(PROMETHEUS_CONFIG)) as PrometheusConfig;
export const dashboard = () => JSON.parse(readRepoFile(DASHBOARD)) as Dashboard;

/** One PromQL expression and where it is, for messages that say which rule or panel is wrong. */
export interface Expression {
  where: string;
  expr: string;
}

export function ruleExpressions(rules: RuleFile): Expression[] {
  return rules.groups.flatMap((group) =>
    group.rules.map((rule) => ({
      where: `${ALERT_RULES} ${rule.alert ?? rule.record ?? '(unnamed rule)'}`,
      expr: rule.expr ?? '',
    })),
  );
}

export function dashboardExpressions(board: Dashboard): Expression[] {
  const panels = board.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `${DASHBOARD} panel "${panel.title}" ${target.refId ?? ''}`.trim(),
      expr: target.expr ?? '',
    })),
  );
  const variables = (board.templating?.list ?? []).map((variable) => ({
    where: `${DASHBOARD} variable $${variable.name}`,
    expr: typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? ''),
  }));
  return [...panels, ...variables];
}
