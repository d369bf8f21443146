// Shape checks for every command-line value. Each failure is a CliUsageError (exit 2) whose
// message names the argument; values are echoed only where they cannot be secret.
import { DATASET_NAMES } from '../catalog/index.js';
import { IDENTIFIER_RULE, isBatchIdentifier } from '../write-back/identifier.js';
import type { EnvironmentType } from '../db/sources.js';
import { CliUsageError } from './errors.js';

const SOURCE_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const ENV_TYPES: readonly EnvironmentType[] = ['production', 'test', 'accept'];
const CONNECTOR_ID = /^[A-Za-z0-9_.-]{1,100}$/;

function show(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

export function parseSourceName(value: string, what = 'source name'): string {
  if (!SOURCE_NAME.test(value) || value.length > 63) {
    throw new CliUsageError(
      `${what} must be 1-63 lower-case letters, digits, '_' or '-', starting with a letter or digit (got ${show(value)})`,
    );
  }
  return value;
}

/** Words a command reads as a subcommand where `<source>` could stand, and that command. */
const SUBCOMMAND_WORDS: ReadonlyMap<string, string> = new Map([
  ['status', 'import'],
  ['pause', 'import'],
  ['resume', 'import'],
  ['cancel', 'import'],
  ['concurrency', 'import'],
  // `post <source>` (posting, issue 19) stands beside `post check|status|cancel <source>`
  // (status and cancel are reserved above already).
  ['check', 'post'],
]);

/** Names a new source can't take: `afas-sync import status` must never mean a source "status". */
export const RESERVED_SOURCE_NAMES: readonly string[] = [...SUBCOMMAND_WORDS.keys()];

/** The name of a new source: a valid name that no command would read as a subcommand. */
export function parseNewSourceName(value: string): string {
  const name = parseSourceName(value);
  const command = SUBCOMMAND_WORDS.get(name);
  if (command !== undefined) {
    throw new CliUsageError(
      `source name "${name}" is reserved: \`afas-sync ${command} ${name} <source>\` is a command (reserved: ${RESERVED_SOURCE_NAMES.join(', ')})`,
    );
  }
  return name;
}

/** A write-back batch id (`--batch`, `--outbox`): the batch format's own rule for it. */
export function parseBatchId(value: string, flag: string): string {
  if (!isBatchIdentifier(value))
    throw new CliUsageError(`${flag} must be a batch id: ${IDENTIFIER_RULE} (got ${show(value)})`);
  return value;
}

export function parseEnvironmentId(value: string): string {
  if (!/^\d{1,10}$/.test(value)) {
    throw new CliUsageError(
      `--env-id must be the AFAS participant number, digits only, e.g. 12345 (got ${show(value)})`,
    );
  }
  return value;
}

export function parseEnvironmentType(value: string): EnvironmentType {
  const found = ENV_TYPES.find((type) => type === value);
  if (!found)
    throw new CliUsageError(`--env-type must be one of ${ENV_TYPES.join(', ')} (got ${show(value)})`);
  return found;
}

/** An http(s) URL without credentials, query or fragment (the AFAS REST base URL). */
export function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliUsageError(
      '--base-url must be an absolute http(s) URL, e.g. https://proxy.example.com/ProfitRestServices',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliUsageError(`--base-url must start with http:// or https:// (got ${url.protocol}//)`);
  }
  if (url.username || url.password) throw new CliUsageError('--base-url must not contain credentials');
  if (url.search || url.hash)
    throw new CliUsageError('--base-url must not contain a query string or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function parseConnectorPrefix(value: string): string {
  if (!/^[A-Za-z0-9_.-]{0,60}$/.test(value)) {
    throw new CliUsageError(`--prefix may hold only letters, digits, '_', '.' and '-' (got ${show(value)})`);
  }
  return value;
}

/**
 * `dataset=ConnectorId` pairs; `journal_lines.changed_days=Id` maps the changed-booking-days
 * connector. An empty id (`dataset=`) maps to '' so an update can remove that entry.
 */
export function parseConnectorMap(entries: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  const allowed = new Set<string>([...DATASET_NAMES, 'journal_lines.changed_days']);
  for (const entry of entries) {
    const match = /^([a-z_.]+)=(.*)$/.exec(entry);
    if (!match)
      throw new CliUsageError(`--connector-map entries look like dataset=ConnectorId (got ${show(entry)})`);
    const [, dataset = '', connector = ''] = match;
    if (!allowed.has(dataset)) {
      throw new CliUsageError(
        `--connector-map: unknown dataset ${show(dataset)}; datasets are ${[...allowed].join(', ')}`,
      );
    }
    if (connector !== '' && !CONNECTOR_ID.test(connector)) {
      throw new CliUsageError(`--connector-map: ${dataset} names an invalid connector id ${show(connector)}`);
    }
    map[dataset] = connector;
  }
  return map;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** Durations like `15m`, `1h`, `900s`, `1h30m`; returns seconds within [min, max]. */
export function parseDuration(
  value: string,
  option: string,
  bounds: { minSeconds: number; maxSeconds: number },
): number {
  const text = value.trim().toLowerCase();
  if (!/^(\d+[smhd])+$/.test(text)) {
    throw new CliUsageError(`${option} must be a duration like 15m, 1h or 900s (got ${show(value)})`);
  }
  let seconds = 0;
  for (const [, amount = '0', unit = 's'] of text.matchAll(/(\d+)([smhd])/g))
    seconds += Number(amount) * (UNIT_SECONDS[unit] ?? 1);
  if (seconds < bounds.minSeconds)
    throw new CliUsageError(`${option} must be at least ${bounds.minSeconds} s (got ${show(value)})`);
  if (seconds > bounds.maxSeconds)
    throw new CliUsageError(`${option} must be at most ${bounds.maxSeconds} s (got ${show(value)})`);
  return seconds;
}

/** A sync interval: at least a minute (AFAS fair use), at most 30 days. */
export function parseInterval(value: string, option = '--interval'): number {
  return parseDuration(value, option, { minSeconds: 60, maxSeconds: 30 * 86_400 });
}

export function parseInteger(value: string, option: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new CliUsageError(`${option} must be a whole number from ${min} to ${max} (got ${show(value)})`);
  }
  return Number(value);
}

/** At most 5 concurrent calls per AFAS environment (AFAS's guidance). */
export function parseMaxConcurrency(value: string): number {
  return parseInteger(value, '--max-concurrency', 1, 5);
}

/** Rows up to which a modified-watermark dataset is read whole every sync. */
export function parseFullReloadMaxRows(value: string): number {
  return parseInteger(value, '--full-reload-max-rows', 0, 100_000_000);
}

/** How often larger modified-watermark datasets are read whole: at least a minute, at most 30 days. */
export function parseReconcileInterval(value: string): number {
  return parseDuration(value, '--reconcile-every', { minSeconds: 60, maxSeconds: 30 * 86_400 });
}

/** The share (%) of a dataset's live rows one sync may mark deleted without --allow-mass-delete. */
export function parseMassDeletePercent(value: string): number {
  return parseInteger(value, '--mass-delete-percent', 1, 100);
}

export function parseIntegrationId(value: string): string {
  if (!/^\d{1,12}_\d{1,12}$/.test(value)) {
    throw new CliUsageError(
      `--integration-id must look like {subscriptionNo}_{projectNo}, e.g. 12345_678900 (got ${show(value)})`,
    );
  }
  return value;
}

export function parsePort(value: string, option: string): number {
  return parseInteger(value, option, 1, 65_535);
}

/** The current calendar year in the Netherlands (AFAS's booking years follow its calendar). */
export function currentAmsterdamYear(now: Date = new Date()): number {
  return Number(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Amsterdam', year: 'numeric' }).format(now),
  );
}

/** A booking year: four digits, 1900 or later, at most next year. */
export function parseYear(value: string, option: string, thisYear = currentAmsterdamYear()): number {
  const text = value.trim();
  if (!/^\d{4}$/.test(text))
    throw new CliUsageError(`${option} must be a year like 2019 (got ${show(value)})`);
  const year = Number(text);
  if (year < 1900) throw new CliUsageError(`${option} must be 1900 or later (got ${year})`);
  if (year > thisYear + 1)
    throw new CliUsageError(`${option} must be at most ${thisYear + 1}, next year (got ${year})`);
  return year;
}

export interface ImportYears {
  fromYear: number;
  /** Undefined: the import runs up to the current year. */
  toYear: number | undefined;
}

/** `--from-year` (required) and `--to-year` of a historical import, checked together. */
export function parseImportYears(
  from: string | undefined,
  to: string | undefined,
  thisYear = currentAmsterdamYear(),
): ImportYears {
  if (from === undefined) {
    throw new CliUsageError(
      '--from-year is required: the first booking year to import, e.g. --from-year 2019',
    );
  }
  const fromYear = parseYear(from, '--from-year', thisYear);
  const toYear = to === undefined ? undefined : parseYear(to, '--to-year', thisYear);
  const lastYear = toYear ?? thisYear;
  if (fromYear > lastYear) {
    throw new CliUsageError(
      toYear === undefined
        ? `--from-year ${fromYear} is after the current year ${thisYear} (pass --to-year to import later years)`
        : `--from-year ${fromYear} is after --to-year ${toYear}`,
    );
  }
  if (lastYear - fromYear > 100) {
    throw new CliUsageError(
      `an import spans at most 100 years (${fromYear} to ${lastYear} is ${lastYear - fromYear + 1})`,
    );
  }
  return { fromYear, toYear };
}

/** Concurrent partition activities of an import: 1..5, AFAS's limit per environment. */
export function parseImportConcurrency(value: string, what = '--concurrency'): number {
  return parseInteger(value, what, 1, 5);
}
