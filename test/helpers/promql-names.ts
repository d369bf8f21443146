// The metric names a PromQL expression (or a Grafana query) reads, found by a small tokenizer,
// and the metric names a Prometheus text exposition offers. Enough PromQL for our alert rules and
// dashboards, not a parser: strings, label matchers, grouping label lists, durations, numbers and
// Grafana variables are removed, then every remaining identifier that is not a function call, an
// operator or a keyword is a metric name.

/** Aggregation operators: they may be followed by `by (...)`/`without (...)` before their `(`. */
const AGGREGATIONS = [
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
];

/** Keywords and literals that are never metric names. */
const KEYWORDS = new Set([
  ...AGGREGATIONS,
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'atan2',
  'inf',
  'nan',
  'start',
  'end',
]);

/** Keywords followed by a parenthesised list of label names. */
const LABEL_LISTS = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)/g;

/** Metric names an expression reads. Throws on text it cannot tokenize (unbalanced braces). */
export function metricNamesIn(expression: string): string[] {
  let text = expression;
  // Grafana's template query `label_values(selector, label)`: the label is not a metric.
  text = text.replace(/\blabel_values\s*\(([^)]*?),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)/g, ' $1 ');
  text = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ');
  // Grafana variables: $__rate_interval, $source, ${source}, [[source]].
  text = text.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[^\]]*\]\]/g, ' 1 ');
  text = text.replace(/\{[^{}]*\}/g, ' ');
  if (/[{}]/.test(text)) throw new Error(`unbalanced braces in PromQL: ${expression}`);
  text = text.replace(LABEL_LISTS, ' ');
  // Range and subquery selectors, offsets: [5m], [1h:30s], [ 1 ] after a variable was replaced.
  text = text.replace(/\[[^\]]*\]/g, ' ');
  // Numbers, durations and hex: 30, 86400, 0.95, 1e3, 5m, 0x1F.
  text = text.replace(/(?<![A-Za-z0-9_:])(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?[a-z]*)/g, ' ');
  const names = new Set<string>();
  for (const match of text.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const after = text.slice(match.index + name.length);
    if (/^\s*\(/.test(after)) continue; // a function call
    if (KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/**
 * Every series name a Prometheus text exposition offers: the names in `# TYPE` lines (so a
 * labelled counter that has not counted yet is still known), a histogram's as `_bucket`, `_sum`
 * and `_count` only, a summary's with `_sum` and `_count`, plus every sample's name. A counter is known
 * by its exposed name only: prom-client's carry `_total`, Temporal's core exports them without,
 * and a query must use the name the samples carry.
 */
export function exposedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) (\w+)/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      // A histogram has no series under its own name; a summary's quantiles carry it.
      if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      else names.add(name);
      if (kind === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
      continue;
    }
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}

/** Series Prometheus itself adds to every scrape target (and its alert state): not the worker's. */
export const PROMETHEUS_SYNTHETIC = new Set([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
  'ALERTS',
  'ALERTS_FOR_STATE',
]);
