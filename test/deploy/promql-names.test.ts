// The PromQL tokenizer monitoring.test.ts relies on: it must find every metric an expression
// reads (or a misspelt one would pass unnoticed) and nothing else (or a label would fail it).
import { describe, expect, it } from 'vitest';
import { exposedMetricNames, metricNamesIn } from '../helpers/promql-names.js';

describe('metricNamesIn', () => {
  it.each([
    ['up{job="afas-sync"} == 0', ['up']],
    [
      'max by (source) (afas_sync_source_last_success_age_seconds{job="afas-sync"}) and on (source) max by (source) (afas_sync_source_stale) == 1',
      ['afas_sync_source_last_success_age_seconds', 'afas_sync_source_stale'],
    ],
    [
      'sum by (source) (increase(afas_sync_runs_finished_total{status=~"failed|partial"}[6h])) >= 3',
      ['afas_sync_runs_finished_total'],
    ],
    [
      'histogram_quantile(0.95, sum by (le) (rate(x_bucket{source=~"$source"}[$__rate_interval])))',
      ['x_bucket'],
    ],
    ['-min by (source) (cred_seconds) < 30 * 86400 > 0', ['cred_seconds']],
    ['absent(temporal_num_pollers{poller_type="workflow_task"} > 0)', ['temporal_num_pollers']],
    ['count(a == 1) or vector(0)', ['a']],
    ['sum without (instance) (a) / ignoring (x) group_left (y) b offset 5m', ['a', 'b']],
    ['rate(a[${interval}]) + rate(b[5m:30s]) + c @ end()', ['a', 'b', 'c']],
    ['sum(rate(a{l="}{"}[1m]))', ['a']],
    ['label_values(afas_sync_source_stale{job="afas-sync"}, source)', ['afas_sync_source_stale']],
    ['{__name__="a"}', []],
  ])('%s', (expression, expected) => {
    expect(metricNamesIn(expression).sort()).toEqual([...expected].sort());
  });

  it('refuses an expression with unbalanced braces instead of guessing', () => {
    expect(() => metricNamesIn('sum(a{job="x")')).toThrow(/unbalanced braces/);
  });
});

describe('exposedMetricNames', () => {
  const exposition = [
    '# HELP a_total rows',
    '# TYPE a_total counter',
    '# TYPE lat_seconds histogram',
    '# TYPE q summary',
    '# TYPE temporal_request counter',
    'temporal_request{operation="x"} 3',
    'g 1',
    '',
  ].join('\n');

  it('knows declared metrics without samples, histogram and summary series, and sample names', () => {
    const names = exposedMetricNames(exposition);
    for (const name of [
      'a_total',
      'lat_seconds_bucket',
      'lat_seconds_sum',
      'q_count',
      'temporal_request',
      'g',
    ])
      expect(names.has(name), name).toBe(true);
  });

  it('does not invent names: no _total for a counter exposed without it, no _bucket for a counter', () => {
    const names = exposedMetricNames(exposition);
    expect(names.has('temporal_request_total')).toBe(false);
    expect(names.has('a_total_bucket')).toBe(false);
    expect(names.has('lat_seconds'), 'a histogram has no series under its bare name').toBe(false);
    expect(names.has('q_bucket')).toBe(false);
    expect(names.has('HELP')).toBe(false);
  });
});
