// Issue 19, item 7 at the store: write-back is a per-source setting (migration 0012). Sources stored
// before it only read; add and update store it; no other change of a source touches it. Real
// PostgreSQL. (Whether AFAS offers FiEntries is the CLI's check: test/cli/source-write-back.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { migrate } from '../../src/db/migrate.js';
import { SourceStore } from '../../src/db/sources.js';
import { sealToken } from '../../src/db/token-crypto.js';
import { createTestDatabase, migrateBefore, type TestDatabase } from '../helpers/database.js';

const TOKEN = 'WR1TEBACK0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF012345';
const key = parseSecretKey('c3'.repeat(32), 'k');

describe('sources: write-back per source', () => {
  let db: TestDatabase;
  let store: SourceStore;
  const base = { environmentId: '12345', environmentType: 'test' as const };

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    store = new SourceStore(db.pool, db.schema, { current: key, previous: [] });
  });
  afterAll(async () => db?.drop());

  it('migration 0012 leaves every source stored before it reading only', async () => {
    // The schema as of 0011, holding a source stored then.
    await migrateBefore(db, '0012');
    const binding = {
      source: 'legacy',
      ...base,
      baseUrl: null,
      allowInsecureHttp: false,
      oauthClientId: null,
    };
    await db.pool.query(
      `INSERT INTO afas.sources (name, environment_id, environment_type, token_sealed, token_key_id)
       VALUES ('legacy', $1, $2, $3, $4)`,
      [base.environmentId, base.environmentType, sealToken(TOKEN, key, binding), key.id],
    );

    expect((await migrate(db.pool, db.schema)).applied[0]).toBe('0012_write_back');
    expect(await store.get('legacy')).toMatchObject({ name: 'legacy', writeBack: false });
    await expect(db.pool.query(`UPDATE afas.sources SET write_back = NULL`)).rejects.toThrow(/null value/);
  });

  it('stores write-back on add (off unless asked) and changes it only when an update says so', async () => {
    expect(await store.add({ ...base, name: 'reader', token: TOKEN })).toMatchObject({ writeBack: false });
    expect(await store.add({ ...base, name: 'writer', token: TOKEN, writeBack: true })).toMatchObject({
      writeBack: true,
    });
    expect((await store.list()).map((source) => [source.name, source.writeBack])).toEqual([
      ['legacy', false],
      ['reader', false],
      ['writer', true],
    ]);

    // Other changes, a new token among them, leave the setting as it is.
    expect(await store.update('writer', { syncIntervalSeconds: 3600, token: TOKEN })).toMatchObject({
      writeBack: true,
      syncIntervalSeconds: 3600,
    });
    expect(await store.update('reader', { maxConcurrency: 2 })).toMatchObject({ writeBack: false });

    expect(await store.update('reader', { writeBack: true })).toMatchObject({ writeBack: true });
    expect(await store.update('writer', { writeBack: false })).toMatchObject({ writeBack: false });
    const stored = await db.pool.query<{ name: string; write_back: boolean }>(
      'SELECT name, write_back FROM afas.sources ORDER BY name',
    );
    expect(stored.rows).toEqual([
      { name: 'legacy', write_back: false },
      { name: 'reader', write_back: true },
      { name: 'writer', write_back: false },
    ]);
  });
});
