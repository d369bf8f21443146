// What commands need, opened lazily and at most once: configuration, PostgreSQL, Temporal.
// A command that only reads the database never connects to Temporal and vice versa, and help
// or a bad argument never loads the heavy modules at all.
import type { AppContext } from '../app/context.js';
import type { SyncTarget } from '../client/sync-control.js';
import { requireSecretKey, type AppConfig, type SecretKey } from '../config/index.js';
import type { SourceRecord } from '../db/sources.js';
import type { Output } from './output.js';

type Env = Record<string, string | undefined>;

export class CliContext {
  #config: AppConfig | undefined;
  #app: Promise<AppContext> | undefined;
  #temporal: Promise<SyncTarget & { close(): Promise<void> }> | undefined;

  constructor(
    readonly env: Env,
    readonly out: Output,
    private readonly loadConfig: (env: Env) => AppConfig,
  ) {}

  config(): AppConfig {
    this.#config ??= this.loadConfig(this.env);
    return this.#config;
  }

  /** The key that seals tokens; a one-line ConfigError (exit 2) when AFAS_SYNC_SECRET_KEY is unset. */
  requireSecretKey(): SecretKey {
    return requireSecretKey(this.config());
  }

  /** The database (created and migrated when needed). */
  app(): Promise<AppContext> {
    this.#app ??= import('../app/context.js').then(({ openAppContext }) =>
      openAppContext(this.config(), { poolSize: 3 }),
    );
    return this.#app;
  }

  async source(name: string): Promise<SourceRecord> {
    return (await this.app()).sources.get(name);
  }

  /** A Temporal client; fails within seconds with one line when the server can't be reached. */
  temporal(): Promise<SyncTarget> {
    this.#temporal ??= this.connectTemporal();
    return this.#temporal;
  }

  private async connectTemporal(): Promise<SyncTarget & { close(): Promise<void> }> {
    const config = this.config();
    const [{ connectTemporal }, { Client }, { installRuntime }, { default: pino }] = await Promise.all([
      import('../worker/create-worker.js'),
      import('@temporalio/client'),
      import('../temporal/runtime.js'),
      import('pino'),
    ]);
    // The native connection needs the process-wide Runtime; the CLI's only speaks up on errors,
    // on stderr, and leaves Ctrl-C to Node's default (exit) instead of a worker shutdown.
    installRuntime({
      logger: pino({ level: 'error', base: null }, pino.destination(2)),
      shutdownSignals: [],
    });
    const connection = await connectTemporal(config.temporalAddress, 10_000);
    return {
      client: new Client({ connection, namespace: config.temporalNamespace }),
      taskQueue: config.taskQueue,
      close: () => connection.close(),
    };
  }

  async close(): Promise<void> {
    const closing: Promise<unknown>[] = [];
    if (this.#app) closing.push(this.#app.then((app) => app.close()));
    if (this.#temporal) closing.push(this.#temporal.then((temporal) => temporal.close()));
    await Promise.allSettled(closing);
  }
}

/** What every command gets: the lazy context, the output, and a way to set the exit code. */
export interface CliRun {
  ctx: CliContext;
  out: Output;
  exit(code: number): void;
}
