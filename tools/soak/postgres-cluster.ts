// A PostgreSQL cluster of the soak's own (Debian's pg_createcluster), so the soak can restart it
// without disturbing any other database on the machine. Dropped at the end.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { freePort } from '../../src/temporal/dev-server.js';

const run = promisify(execFile);
const TOOLS = ['/usr/bin/pg_createcluster', '/usr/bin/pg_ctlcluster', '/usr/bin/pg_dropcluster'];

export class SoakEnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoakEnvironmentError';
  }
}

export interface PrivateCluster {
  readonly name: string;
  readonly port: number;
  /** postgres://postgres@127.0.0.1:PORT/<database> */
  url(database: string): string;
  restart(): Promise<void>;
  /** Stops and deletes the cluster (data directory and configuration). */
  drop(): Promise<void>;
}

function installedVersion(): string {
  const missing = TOOLS.filter((tool) => !existsSync(tool));
  const versions = existsSync('/etc/postgresql')
    ? readdirSync('/etc/postgresql').filter((entry) => /^\d+$/.test(entry))
    : [];
  if (missing.length > 0 || versions.length === 0) {
    throw new SoakEnvironmentError(
      `the soak needs a private PostgreSQL cluster it may restart, made with Debian's postgresql-common tools ` +
        `(${missing.length > 0 ? `missing: ${missing.join(', ')}` : 'no PostgreSQL version under /etc/postgresql'}); ` +
        'install them with `apt-get install postgresql` (as root), then run the soak again',
    );
  }
  if (process.getuid?.() !== 0) {
    throw new SoakEnvironmentError(
      'pg_createcluster needs root: run the soak as root (e.g. in the CI container)',
    );
  }
  return versions.sort((a, b) => Number(b) - Number(a))[0] as string;
}

async function tool(command: string, args: string[]): Promise<void> {
  try {
    await run(command, args, { timeout: 120_000 });
  } catch (error) {
    const detail = error as { stderr?: string; message: string };
    throw new SoakEnvironmentError(
      `${command} ${args.join(' ')} failed: ${(detail.stderr ?? detail.message).trim().slice(-600)}`,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops clusters of soak runs that were killed before they could clean up (their pid is gone). */
async function dropLeftovers(version: string): Promise<void> {
  for (const entry of readdirSync(`/etc/postgresql/${version}`)) {
    const match = /^afas_soak_(\d+)$/.exec(entry);
    if (match && (Number(match[1]) === process.pid || !alive(Number(match[1])))) {
      await run('pg_dropcluster', ['--stop', version, entry]).catch(() => undefined);
    }
  }
}

/** Creates and starts `afas_soak_<pid>` on a free port with trust authentication. */
export async function createPrivateCluster(): Promise<PrivateCluster> {
  const version = installedVersion();
  const name = `afas_soak_${process.pid}`;
  const port = await freePort();
  await dropLeftovers(version);
  await tool('pg_createcluster', [version, name, '--port', String(port), '--', '--auth=trust']);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await tool('pg_dropcluster', ['--stop', version, name]);
  };
  try {
    await tool('pg_ctlcluster', [version, name, 'start']);
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return {
    name,
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    restart: () => tool('pg_ctlcluster', ['-m', 'fast', version, name, 'restart']),
    drop,
  };
}
