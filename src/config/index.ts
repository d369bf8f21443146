import { userInfo } from 'node:os';
import { ConfigError } from './errors.js';
import { parseSecretKey, type SecretKey } from './secret-key.js';

export { ConfigError } from './errors.js';
export type { SecretKey } from './secret-key.js';

/**
 * AFAS_SYNC_DB_POOL_SIZE's default. An activity holds at most one connection at a time, and only
 * for SQL (no transaction waits on AFAS), so one per activity slot lets every slot write at once;
 * the four more serve the health and metrics queries and a retry that reconnects.
 */
export function defaultPoolSize(maxConcurrentActivities: number): number {
  return maxConcurrentActivities + 4;
}

/** AFAS_SYNC_HEAP_GROWING_PERCENT's default (see src/worker/heap-tuning.ts). */
export const DEFAULT_HEAP_GROWING_PERCENT = 100;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export interface AppConfig {
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  databaseUrl: string;
  dbSchema: string;
  /** The current key; tokens are always sealed with it. */
  secretKey: SecretKey | undefined;
  /** Older keys that may still open tokens during a rotation. */
  previousSecretKeys: SecretKey[];
  logLevel: LogLevel;
  logFormat: 'json' | 'pretty';
  metricsPort: number | undefined;
  /** Seconds in-flight activities get to commit after SIGTERM before they are cancelled. */
  shutdownGraceSeconds: number;
  /** V8 heap growth between major GCs, in percent (0: V8's own heuristic, up to 4×). */
  heapGrowingPercent: number;
  /** Concurrent activity executions per worker process. */
  maxConcurrentActivities: number;
  /** PostgreSQL connections of the worker's pool (default: one per activity slot and four more). */
  dbPoolSize: number;
  /**
   * How long a place in an AFAS environment's call budget stays taken by a worker that stopped
   * renewing it (crashed): the other workers wait at most this long for it (default 30).
   */
  afasCallLeaseSeconds: number;
  /**
   * How long an activity retries an AFAS layout locked by another user (FiEntries' booking
   * layout, issue 19) before it gives up (default 60).
   */
  lockWaitMinutes: number;
}

export const DEFAULTS = {
  temporalAddress: 'localhost:7233',
  temporalNamespace: 'default',
  taskQueue: 'afas-sync',
  databaseUrl: 'postgres://localhost:5432/afas_sync',
  dbSchema: 'afas',
} as const;

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string, pattern?: RegExp, what?: string): string {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim();
  if (pattern && !pattern.test(value)) throw new ConfigError(name, `must be ${what ?? pattern.source}`);
  return value;
}

function integer(env: Env, name: string, fallback: number | undefined, min: number, max: number) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number from ${min} to ${max}`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `must be a whole number from ${min} to ${max}`);
  return value;
}

/** Checks a postgres URL without echoing it (it may hold a password) and fills in the OS user. */
export function normalizeDatabaseUrl(raw: string, variable = 'DATABASE_URL'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, 'is not a URL; expected postgres://user@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(variable, `must start with postgres:// (got ${url.protocol}//)`);
  }
  if (!url.hostname && !url.searchParams.get('host')) {
    throw new ConfigError(variable, 'names no host; expected postgres://user@host:5432/database');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new ConfigError(variable, 'names no database; expected postgres://host:5432/database');
  if (!url.username) url.username = process.env.PGUSER ?? userInfo().username;
  return url.toString();
}

function temporalAddress(env: Env): string {
  const value = text(env, 'TEMPORAL_ADDRESS', DEFAULTS.temporalAddress);
  if (!/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(value)) {
    throw new ConfigError('TEMPORAL_ADDRESS', `must be host:port (got "${value.slice(0, 80)}")`);
  }
  return value;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const secret = env.AFAS_SYNC_SECRET_KEY;
  const previous = (env.AFAS_SYNC_PREVIOUS_SECRET_KEYS ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => parseSecretKey(part, 'AFAS_SYNC_PREVIOUS_SECRET_KEYS'));
  const logLevel = text(env, 'LOG_LEVEL', 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const maxConcurrentActivities = integer(env, 'AFAS_SYNC_MAX_CONCURRENT_ACTIVITIES', 16, 1, 200) ?? 16;
  return {
    temporalAddress: temporalAddress(env),
    temporalNamespace: text(
      env,
      'TEMPORAL_NAMESPACE',
      DEFAULTS.temporalNamespace,
      /^[A-Za-z0-9._-]{1,255}$/,
      'a namespace name',
    ),
    taskQueue: text(
      env,
      'TEMPORAL_TASK_QUEUE',
      DEFAULTS.taskQueue,
      /^[A-Za-z0-9._/-]{1,255}$/,
      'a task queue name',
    ),
    databaseUrl: normalizeDatabaseUrl(text(env, 'DATABASE_URL', DEFAULTS.databaseUrl)),
    dbSchema: text(
      env,
      'AFAS_SYNC_DB_SCHEMA',
      DEFAULTS.dbSchema,
      /^[a-z_][a-z0-9_]{0,62}$/,
      'a lower-case SQL identifier',
    ),
    secretKey:
      secret === undefined || secret.trim() === ''
        ? undefined
        : parseSecretKey(secret, 'AFAS_SYNC_SECRET_KEY'),
    previousSecretKeys: previous,
    logLevel: logLevel as LogLevel,
    logFormat: text(env, 'LOG_FORMAT', 'json', /^(json|pretty)$/, 'json or pretty') as 'json' | 'pretty',
    metricsPort: integer(env, 'METRICS_PORT', undefined, 1, 65535),
    shutdownGraceSeconds: integer(env, 'AFAS_SYNC_SHUTDOWN_GRACE_SECONDS', 60, 0, 3600) ?? 60,
    maxConcurrentActivities,
    dbPoolSize:
      integer(env, 'AFAS_SYNC_DB_POOL_SIZE', undefined, 2, 1000) ?? defaultPoolSize(maxConcurrentActivities),
    afasCallLeaseSeconds: integer(env, 'AFAS_SYNC_AFAS_CALL_LEASE_SECONDS', 30, 2, 3600) ?? 30,
    lockWaitMinutes: integer(env, 'AFAS_SYNC_LOCK_WAIT_MINUTES', 60, 1, 1440) ?? 60,
    heapGrowingPercent:
      integer(env, 'AFAS_SYNC_HEAP_GROWING_PERCENT', DEFAULT_HEAP_GROWING_PERCENT, 0, 300) ??
      DEFAULT_HEAP_GROWING_PERCENT,
  };
}

/** Workers need the key to open tokens; the CLI only for source add/update/test. */
export function requireSecretKey(config: AppConfig): SecretKey {
  if (!config.secretKey) {
    throw new ConfigError(
      'AFAS_SYNC_SECRET_KEY',
      'is not set; it encrypts AFAS tokens at rest (generate one with `openssl rand -hex 32`)',
    );
  }
  return config.secretKey;
}
