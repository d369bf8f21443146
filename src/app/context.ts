import type { AppConfig } from '../config/index.js';
import { ensureDatabase } from '../db/ensure-database.js';
import { migrate } from '../db/migrate.js';
import { createPool, type Pool } from '../db/pool.js';
import { RunStore } from '../db/runs.js';
import type { ResealOutcome } from '../db/source-tokens.js';
import { SourceStore } from '../db/sources.js';
import { ChangedDaysStore, SyncStateStore } from '../db/sync-state.js';

/** The pool and the stores over it: what the CLI and the activities read and write through. */
export interface AppStores {
  pool: Pool;
  schema: string;
  sources: SourceStore;
  runs: RunStore;
  state: SyncStateStore;
  changedDays: ChangedDaysStore;
}

/** The database side of the application: pool plus the stores over it. */
export interface AppContext extends AppStores {
  /** What the startup upgrade resealed from the v1 token format, when it ran (see openAppContext). */
  tokenUpgrade?: ResealOutcome;
  close(): Promise<void>;
}

export function contextFor(
  pool: Pool,
  config: Pick<AppConfig, 'dbSchema' | 'secretKey' | 'previousSecretKeys'>,
): AppContext {
  return {
    pool,
    schema: config.dbSchema,
    sources: new SourceStore(pool, config.dbSchema, {
      current: config.secretKey,
      previous: config.previousSecretKeys,
    }),
    runs: new RunStore(pool, config.dbSchema),
    state: new SyncStateStore(config.dbSchema),
    changedDays: new ChangedDaysStore(config.dbSchema),
    close: () => pool.end(),
  };
}

/**
 * Creates the database if needed, applies migrations, and opens the stores. With the secret key
 * configured it also reseals v1 tokens as v2 (migrations can't: they have no key), so after a
 * worker's first start no token is bound to its source name alone. A token no key opens stays as
 * it is and is listed in `tokenUpgrade.failed`; using it fails with the same reason.
 */
export async function openAppContext(
  config: Pick<AppConfig, 'databaseUrl' | 'dbSchema' | 'secretKey' | 'previousSecretKeys'>,
  options: { migrate?: boolean; poolSize?: number } = {},
): Promise<AppContext> {
  await ensureDatabase(config.databaseUrl);
  const pool = createPool(config.databaseUrl, options.poolSize ?? 10);
  try {
    const context = contextFor(pool, config);
    if (options.migrate === false) return context;
    await migrate(pool, config.dbSchema);
    if (config.secretKey) context.tokenUpgrade = await context.sources.upgradeSealing();
    return context;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
