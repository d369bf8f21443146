// The workers' PostgreSQL connections, sampled from pg_stat_activity while the bench runs. The
// workers' pools name themselves `afas-sync` (src/db/pool.ts); the bench's own connections use
// another application_name, so they are not counted.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export const BENCH_APPLICATION_NAME = 'afas-bench-fleet';
const WORKER_APPLICATION_NAME = 'afas-sync';
const SAMPLE_MS = 250;

export interface ConnectionFigures {
  /** Most connections of the workers at once (all states: idle ones count against the limit too). */
  max: number;
  samples: number;
  /** The server's max_connections. */
  maxConnections: number;
}

export class PgConnectionSampler {
  private max = 0;
  private samples = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly client: pg.Client;

  constructor(
    adminUrl: string,
    private readonly database: string,
  ) {
    this.client = new pg.Client({ connectionString: adminUrl, application_name: BENCH_APPLICATION_NAME });
  }

  async start(): Promise<void> {
    await this.client.connect();
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          const result = await this.client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
            [this.database, WORKER_APPLICATION_NAME],
          );
          this.max = Math.max(this.max, result.rows[0]?.n ?? 0);
          this.samples += 1;
        } catch {
          // A failed sample is skipped; the next one tells.
        }
        await sleep(SAMPLE_MS);
      }
    })();
  }

  async stop(): Promise<ConnectionFigures> {
    this.stopped = true;
    await this.loop;
    const setting = await this.client.query<{ max_connections: string }>('SHOW max_connections');
    await this.client.end();
    return {
      max: this.max,
      samples: this.samples,
      maxConnections: Number(setting.rows[0]?.max_connections ?? 0),
    };
  }
}
