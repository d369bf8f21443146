// Issue 16 at the store: a source's credential is a classic token or an OAuth client. Migration
// 0008 on a database with classic rows, sealing both kinds (the client id bound into an OAuth
// secret's seal), key rotation, and switching a source to OAuth in place. Real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { migrate } from '../../src/db/migrate.js';
import { SourceStore } from '../../src/db/sources.js';
import { SourceValidationError } from '../../src/db/source-validation.js';
import { sealToken, TokenCryptoError } from '../../src/db/token-crypto.js';
import { createTestDatabase, migrateBefore, type TestDatabase } from '../helpers/database.js';
import { sealV1 } from '../helpers/legacy-token.js';

const TOKEN = '0AUTH0123456789ABCDEF0AUTH0123456789ABCDEF0AUTH0123456789ABCD01';
const SECRET = 'cl1ent-s3cret-7f3a9c2e41b8d6';
const NEW_SECRET = 'r0tated-s3cret-0b1c2d3e4f5a6b';
const keyA = parseSecretKey('d1'.repeat(32), 'k');
const keyB = parseSecretKey('e2'.repeat(32), 'k');
const oauth = (clientSecret = SECRET, clientId = 'sync-client') =>
  ({ kind: 'oauth', clientId, clientSecret }) as const;

describe('sources: a classic token or an OAuth client', () => {
  let db: TestDatabase;
  let store: SourceStore;
  const base = { environmentId: '12345', environmentType: 'test' as const };
  const row = async (name: string) =>
    (
      await db.pool.query<{
        credential_kind: string;
        oauth_client_id: string | null;
        secret_expires_on: string | null;
        token_sealed: string;
      }>(
        `SELECT credential_kind, oauth_client_id, secret_expires_on::text, token_sealed FROM afas.sources WHERE name = $1`,
        [name],
      )
    ).rows[0];

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    store = new SourceStore(db.pool, db.schema, { current: keyA, previous: [] });
  });
  afterAll(async () => db?.drop());

  it('migration 0008 keeps classic rows classic and readable without a reseal, and checks the new columns', async () => {
    // The schema as of 0007, holding a classic source sealed then.
    await migrateBefore(db, '0008');
    const binding = {
      source: 'legacy',
      ...base,
      baseUrl: null,
      allowInsecureHttp: false,
      oauthClientId: null,
    };
    const sealed = sealToken(TOKEN, keyA, binding);
    await db.pool.query(
      `INSERT INTO afas.sources (name, environment_id, environment_type, token_sealed, token_key_id)
       VALUES ('legacy', $1, $2, $3, $4)`,
      [base.environmentId, base.environmentType, sealed, keyA.id],
    );

    // 0008 and whatever came after it.
    expect((await migrate(db.pool, db.schema)).applied[0]).toBe('0008_oauth_credentials');
    expect(await row('legacy')).toEqual({
      credential_kind: 'token',
      oauth_client_id: null,
      secret_expires_on: null,
      token_sealed: sealed,
    });
    expect(await store.get('legacy')).toMatchObject({
      credentialKind: 'token',
      oauthClientId: null,
      secretExpiresOn: null,
    });
    expect((await store.credential('legacy')).credential).toEqual({ kind: 'token', token: TOKEN });
    expect((await row('legacy'))?.token_sealed).toBe(sealed);

    for (const [sets, constraint] of [
      [`credential_kind = 'oauth'`, 'sources_oauth_has_client_id'],
      [`oauth_client_id = 'x'`, 'sources_oauth_has_client_id'],
      [`secret_expires_on = '2027-01-01'`, 'sources_secret_expiry_is_oauth'],
      [`credential_kind = 'saml'`, 'sources_credential_kind'],
      [`credential_kind = 'oauth', oauth_client_id = ' padded'`, 'sources_oauth_client_id_shape'],
    ] as const) {
      await expect(db.pool.query(`UPDATE afas.sources SET ${sets} WHERE name = 'legacy'`)).rejects.toThrow(
        constraint,
      );
    }
  });

  it('seals an OAuth client secret like a token: the client id plain, the secret nowhere in plain', async () => {
    const added = await store.add({
      ...base,
      name: 'modern',
      credential: oauth(),
      secretExpiresOn: '2027-03-31',
    });
    expect(added).toMatchObject({
      credentialKind: 'oauth',
      oauthClientId: 'sync-client',
      secretExpiresOn: '2027-03-31',
    });
    const dump = await db.pool.query<{ row: string }>(
      `SELECT row_to_json(s)::text AS row FROM afas.sources s`,
    );
    const text = dump.rows.map((r) => r.row).join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 16));
    expect(text).toContain('sync-client');
    expect(JSON.stringify(added)).not.toContain(SECRET);
    expect(await store.credential('modern')).toEqual({
      source: 'modern',
      ...base,
      baseUrl: null,
      allowInsecureHttp: false,
      oauthClientId: 'sync-client',
      credential: oauth(),
    });
    await expect(
      store.add({ ...base, name: 'datedtoken', token: TOKEN, secretExpiresOn: '2027-01-01' }),
    ).rejects.toThrow(
      'source datedtoken: a secret expiry date is only for an OAuth client secret, and this source uses a classic token',
    );
    await expect(
      store.add({ ...base, name: 'both', token: TOKEN, credential: oauth() }),
    ).rejects.toBeInstanceOf(SourceValidationError);
    await expect(store.add({ ...base, name: 'neither' })).rejects.toThrow(
      'a token or an OAuth client is required',
    );
  });

  it('binds the secret to its client: another client id, a classic row or a v1 value do not open it', async () => {
    await store.add({ ...base, name: 'bound', credential: oauth() });
    const sealed = (await row('bound'))?.token_sealed;
    await db.pool.query(`UPDATE afas.sources SET oauth_client_id = 'other-client' WHERE name = 'bound'`);
    const moved = store.credential('bound');
    await expect(moved).rejects.toBeInstanceOf(TokenCryptoError);
    await expect(moved).rejects.toThrow(
      'stored client secret of source "bound" failed authentication with key ' +
        `${keyA.id}: it was sealed for another source, environment, base URL or OAuth client`,
    );
    await expect(moved).rejects.toThrow('`afas-sync source update bound --client-secret-file <file>`');
    // The same secret on a classic row of the same source is not a token either.
    await db.pool.query(
      `UPDATE afas.sources SET credential_kind = 'token', oauth_client_id = NULL WHERE name = 'bound'`,
    );
    await expect(store.credential('bound')).rejects.toThrow(
      'stored token of source "bound" failed authentication',
    );
    // A v1 value (bound to the name only) is never taken for an OAuth secret.
    await db.pool.query(
      `UPDATE afas.sources SET credential_kind = 'oauth', oauth_client_id = 'sync-client', token_sealed = $1 WHERE name = 'bound'`,
      [sealV1(SECRET, keyA, 'bound')],
    );
    await expect(store.credential('bound')).rejects.toThrow('is in the v1 format');
    await db.pool.query(`UPDATE afas.sources SET token_sealed = $1 WHERE name = 'bound'`, [sealed]);
    expect((await store.credential('bound')).credential).toEqual(oauth());
  });

  it('a key rotation reseals both kinds, and an environment change reseals an OAuth secret for it', async () => {
    await store.update('bound', { environmentId: '999' });
    expect((await store.credential('bound')).credential).toEqual(oauth());
    const rotated = new SourceStore(db.pool, db.schema, { current: keyB, previous: [keyA] });
    const outcome = await rotated.resealAll();
    expect(outcome).toEqual({ resealed: ['bound', 'legacy', 'modern'], failed: [] });
    const onlyNew = new SourceStore(db.pool, db.schema, { current: keyB, previous: [] });
    expect((await onlyNew.credential('legacy')).credential).toEqual({ kind: 'token', token: TOKEN });
    expect((await onlyNew.credential('modern')).credential).toEqual(oauth());
    expect((await onlyNew.get('modern')).tokenKeyId).toBe(keyB.id);
    store = onlyNew;
  });

  it('switches a classic source to OAuth in place: state, runs and settings stay, attention clears', async () => {
    await store.add({ ...base, name: 'switch', token: TOKEN, syncIntervalSeconds: 3_600 });
    await db.pool.query(
      `INSERT INTO afas.sync_state (source, dataset, administration, watermark) VALUES ('switch', 'journal_lines', 1, '2026-11-30T10:00:00')`,
    );
    await db.pool.query(
      `INSERT INTO afas.sync_runs (run_id, source, kind, workflow_id, workflow_run_id, status) VALUES ('r1', 'switch', 'sync', 'w', 'wr', 'succeeded')`,
    );
    await store.markNeedsAttention('switch', 'AFAS refused the token (401)');
    const state = async () =>
      (
        await db.pool.query(
          `SELECT (SELECT json_agg(s) FROM afas.sync_state s WHERE source = 'switch') AS state,
                  (SELECT json_agg(r) FROM afas.sync_runs r WHERE source = 'switch') AS runs`,
        )
      ).rows[0] as unknown;
    const kept = await state();

    const switched = await store.update('switch', { credential: oauth(), secretExpiresOn: '2027-02-01' });
    expect(switched).toMatchObject({
      credentialKind: 'oauth',
      oauthClientId: 'sync-client',
      secretExpiresOn: '2027-02-01',
      status: 'active',
      statusReason: null,
      syncIntervalSeconds: 3_600,
    });
    expect(await state()).toEqual(kept);
    expect((await store.credential('switch')).credential).toEqual(oauth());

    // A rotated secret forgets the old secret's date unless one comes with it.
    const rotated = await store.update('switch', { credential: oauth(NEW_SECRET) });
    expect(rotated.secretExpiresOn).toBeNull();
    expect((await store.credential('switch')).credential).toEqual(oauth(NEW_SECRET));
    expect((await store.update('switch', { secretExpiresOn: '2028-01-31' })).secretExpiresOn).toBe(
      '2028-01-31',
    );
    expect((await store.credential('switch')).credential).toEqual(oauth(NEW_SECRET));

    // Back to a classic token (a rollback): client id and date go with it.
    const back = await store.update('switch', { token: TOKEN });
    expect(back).toMatchObject({ credentialKind: 'token', oauthClientId: null, secretExpiresOn: null });
    expect(await store.token('switch')).toBe(TOKEN);
    await expect(store.update('switch', { secretExpiresOn: '2028-01-31' })).rejects.toBeInstanceOf(
      SourceValidationError,
    );
    expect(await state()).toEqual(kept);
  });
});
