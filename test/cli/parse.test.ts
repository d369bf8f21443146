// Argument shapes and output formatting of the CLI (pure functions).
import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../src/cli/errors.js';
import { formatAge, formatDuration, renderTable } from '../../src/cli/output.js';
import {
  parseBaseUrl,
  parseConnectorMap,
  parseDuration,
  parseInterval,
  parseMaxConcurrency,
  parseSourceName,
} from '../../src/cli/parse.js';
import { changesFromFlags, checkTransport, mergeConnectorMap } from '../../src/cli/source-flags.js';

describe('CLI argument parsing', () => {
  it('accepts durations like 15m, 1h, 900s and 1h30m, and enforces the bounds', () => {
    expect(parseInterval('15m')).toBe(900);
    expect(parseInterval('1h')).toBe(3600);
    expect(parseInterval('900s')).toBe(900);
    expect(parseInterval('1h30m')).toBe(5400);
    expect(parseInterval('1D')).toBe(86_400);
    expect(() => parseInterval('59s')).toThrow(/--interval must be at least 60 s/);
    expect(() => parseInterval('31d')).toThrow(/at most/);
    expect(() => parseInterval('15')).toThrow(CliUsageError);
    expect(() => parseInterval('m15')).toThrow(/duration like 15m/);
    expect(parseDuration('1s', '--stale-after', { minSeconds: 1, maxSeconds: 10 })).toBe(1);
  });

  it('checks names, URLs and concurrency with messages naming the argument', () => {
    expect(parseSourceName('acme_prod-2')).toBe('acme_prod-2');
    for (const bad of ['Acme', '-acme', 'acme prod', '', 'a'.repeat(64)])
      expect(() => parseSourceName(bad)).toThrow(/source name/);
    expect(parseBaseUrl('https://proxy.example.com/ProfitRestServices/')).toBe(
      'https://proxy.example.com/ProfitRestServices',
    );
    expect(() => parseBaseUrl('https://user:pw@example.com')).toThrow(/must not contain credentials/);
    expect(() => parseBaseUrl('https://example.com/?x=1')).toThrow(/query string/);
    expect(parseMaxConcurrency('5')).toBe(5);
    expect(() => parseMaxConcurrency('0')).toThrow(/--max-concurrency/);
    expect(() => parseMaxConcurrency('2.5')).toThrow(/--max-concurrency/);
  });

  it('parses and merges connector maps', () => {
    expect(
      parseConnectorMap(['administrations=Finstack_Administrations', 'journal_lines.changed_days=X_Changed']),
    ).toEqual({
      administrations: 'Finstack_Administrations',
      'journal_lines.changed_days': 'X_Changed',
    });
    expect(() => parseConnectorMap(['administrations'])).toThrow(/dataset=ConnectorId/);
    expect(() => parseConnectorMap(['debtors=bad id'])).toThrow(/invalid connector id/);
    expect(mergeConnectorMap({ debtors: 'A', creditors: 'B' }, { debtors: '', journals: 'C' })).toEqual({
      creditors: 'B',
      journals: 'C',
    });
  });

  it('turns flags into source changes, including the --no-… forms of update', () => {
    expect(
      changesFromFlags({
        envId: '1',
        envType: 'accept',
        interval: '2h',
        maxConcurrency: '2',
        baseUrl: false,
        integrationId: false,
      }),
    ).toEqual({
      environmentId: '1',
      environmentType: 'accept',
      syncIntervalSeconds: 7200,
      maxConcurrency: 2,
      baseUrl: null,
      integrationId: null,
    });
    expect(changesFromFlags({})).toEqual({});
  });

  it('reads the delete settings of a source, naming the flag of a bad value', () => {
    expect(
      changesFromFlags({ fullReloadMaxRows: '5000', reconcileEvery: '6h', massDeletePercent: '30' }),
    ).toEqual({ fullReloadMaxRows: 5000, reconcileIntervalSeconds: 21_600, massDeletePercent: 30 });
    expect(changesFromFlags({ fullReloadMaxRows: '0' })).toEqual({ fullReloadMaxRows: 0 });
    expect(() => changesFromFlags({ fullReloadMaxRows: '-1' })).toThrow(/--full-reload-max-rows/);
    expect(() => changesFromFlags({ reconcileEvery: '30s' })).toThrow(
      /--reconcile-every must be at least 60 s/,
    );
    expect(() => changesFromFlags({ massDeletePercent: '0' })).toThrow(/--mass-delete-percent .* 1 to 100/);
    expect(() => changesFromFlags({ massDeletePercent: '101' })).toThrow(CliUsageError);
  });
});

describe('CLI output', () => {
  it('formats durations and ages', () => {
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(900)).toBe('15m');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(90_061)).toBe('1d1h1m1s');
    expect(formatAge(new Date(Date.now() - 120_000))).toBe('2m ago');
    expect(formatAge(null)).toBe('never');
  });

  it('aligns tables: numbers right with thousands separators, empty cells as -', () => {
    const table = renderTable(
      [
        { header: 'dataset', value: (row: { name: string; rows: number; error: string | null }) => row.name },
        { header: 'rows', value: (row) => row.rows },
        { header: 'error', value: (row) => row.error },
      ],
      [
        { name: 'journal_lines', rows: 12_000, error: null },
        { name: 'vat_codes', rows: 6, error: 'boom\nagain' },
      ],
    );
    expect(table.split('\n')).toEqual([
      'dataset          rows  error',
      'journal_lines  12,000  -',
      'vat_codes           6  boom again',
    ]);
  });
});

describe('--allow-insecure-http', () => {
  it('is a change only when given', () => {
    expect(changesFromFlags({ baseUrl: 'http://10.0.0.5/x', allowInsecureHttp: true })).toEqual({
      baseUrl: 'http://10.0.0.5/x',
      allowInsecureHttp: true,
    });
    expect(changesFromFlags({ baseUrl: 'http://10.0.0.5/x' })).toEqual({ baseUrl: 'http://10.0.0.5/x' });
  });

  it('is required for plain http:// to a host other than this machine', () => {
    expect(() =>
      checkTransport({ baseUrl: 'http://10.0.0.5/ProfitRestServices', allowInsecureHttp: false }),
    ).toThrow(
      new CliUsageError(
        'refused: base URL http://10.0.0.5/ProfitRestServices uses plain http:// to a host that is not this ' +
          'machine, so the AFAS token would cross the network unencrypted; use https://, or pass ' +
          '--allow-insecure-http to `afas-sync source add|update` to accept that',
      ),
    );
    expect(() =>
      checkTransport({ baseUrl: 'http://10.0.0.5/ProfitRestServices', allowInsecureHttp: true }),
    ).not.toThrow();
    for (const baseUrl of [
      'http://127.0.0.1:8080/ProfitRestServices',
      'http://localhost/x',
      'https://a.example/x',
      null,
    ])
      expect(() => checkTransport({ baseUrl, allowInsecureHttp: false }), String(baseUrl)).not.toThrow();
  });

  it('is refused where it means nothing', () => {
    expect(() => checkTransport({ baseUrl: 'https://a.example/x', allowInsecureHttp: true })).toThrow(
      '--allow-insecure-http is only for an http:// --base-url; this source uses https://a.example/x',
    );
    expect(() => checkTransport({ baseUrl: null, allowInsecureHttp: true })).toThrow(
      '--allow-insecure-http is only for an http:// --base-url; this source uses AFAS Online over https',
    );
  });
});
