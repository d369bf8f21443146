// The soak's own Temporal dev server, with its state in a SQLite file so a restart keeps every
// workflow; it comes back on the same port, so workers and clients reconnect by themselves.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startDevServer, type RunningDevServer } from '../../src/temporal/dev-server.js';

export class RestartableTemporal {
  private server: RunningDevServer | undefined;

  private constructor(
    readonly address: string,
    private readonly port: number,
    private readonly dbFilename: string,
  ) {}

  static async start(workDir: string): Promise<RestartableTemporal> {
    const port = await freePort();
    const temporal = new RestartableTemporal(`127.0.0.1:${port}`, port, join(workDir, 'temporal.sqlite'));
    await temporal.up();
    return temporal;
  }

  private async up(): Promise<void> {
    this.server = await startDevServer({
      port: this.port,
      dbFilename: this.dbFilename,
      startTimeoutMs: 60_000,
    });
  }

  /** Stops the server, waits `downMs`, starts it again on the same port and file. */
  async restart(downMs: number): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
    await sleep(downMs);
    await this.up();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }
}
