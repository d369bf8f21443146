// What a write of AFAS rows can fail with that names the data, not the database: the same key
// twice with different rows. The SQLSTATEs that mean it.

/** The one-line duplicate check error: AFAS returned two different rows under one key. */
export class DuplicateKeyError extends Error {
  constructor(connectorId: string, key: string) {
    super(`connector ${connectorId} returned different rows with the same key ${key}`);
    this.name = 'DuplicateKeyError';
  }
}

/** PostgreSQL's SQLSTATE for a unique-constraint violation. */
export const UNIQUE_VIOLATION = '23505';
/** "ON CONFLICT DO UPDATE command cannot affect row a second time": a key staged twice. */
export const CARDINALITY_VIOLATION = '21000';

export function sqlState(error: unknown): unknown {
  return (error as { code?: unknown }).code;
}
