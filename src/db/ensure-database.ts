import pg from 'pg';

/** Where the database server can't be reached or refuses us: one clear line, no stack. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

function describeTarget(url: URL): string {
  return `${url.hostname || 'localhost'}:${url.port || '5432'}/${decodeURIComponent(url.pathname.slice(1))}`;
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/**
 * Connects once to check the database exists; when it does not (3D000) and the role may create
 * databases, creates it through the `postgres` maintenance database.
 */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean }> {
  const url = new URL(databaseUrl);
  const target = describeTarget(url);
  const probe = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await probe.connect();
    await probe.end();
    return { created: false };
  } catch (error) {
    await probe.end().catch(() => undefined);
    if ((error as { code?: string }).code !== '3D000') {
      throw new DatabaseUnavailableError(`cannot connect to PostgreSQL at ${target}: ${reason(error)}`, {
        cause: error,
      });
    }
  }
  const database = decodeURIComponent(url.pathname.slice(1));
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    return { created: true };
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') return { created: false }; // created meanwhile
    throw new DatabaseUnavailableError(
      `database ${target} does not exist and could not be created: ${reason(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    await admin.end().catch(() => undefined);
  }
}
