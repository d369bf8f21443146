import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// int8 and numeric come back as exact strings (pg's default); timestamptz as Date.
export function createPool(databaseUrl: string, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'afas-sync',
  });
  // An idle client that loses its server (restart, network) must not crash the process;
  // the next checkout reconnects.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: the pool listens only while a client is idle, and a connection
  // that dies between two queries of a transaction (e.g. while the activity waits for the next
  // AFAS page) emits 'error' on the client, which unhandled kills the worker. The transaction's
  // next query fails instead, and the pool drops the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

/** Quotes an SQL identifier. Field ids come from customers' AFAS (`Btw-nummer`, anything). */
export function ident(name: string): string {
  if (name.length === 0) throw new Error('empty SQL identifier');
  if (name.includes('\u0000')) throw new Error('SQL identifier contains a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/** Runs `work` in one transaction (`begin` opens it); rolls back on any error. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
