// The token goes only where the operator sent it (issue 15, item 8), at the store: plain http://
// needs the operator's allowance, the sealed token is bound to environment and URL, v1 tokens are
// upgraded, and a reseal never overwrites a token rotated under it. Real PostgreSQL.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppContext } from '../../src/app/context.js';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { SourceStore } from '../../src/db/sources.js';
import { SourceValidationError } from '../../src/db/source-validation.js';
import { sealToken, TokenCryptoError } from '../../src/db/token-crypto.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { sealV1 } from '../helpers/legacy-token.js';

const TOKEN = 'B1ND0123456789ABCDEFB1ND0123456789ABCDEFB1ND0123456789ABCDEF0123';
const NEW_TOKEN = 'R0TA7ED123456789ABCDR0TA7ED123456789ABCDR0TA7ED123456789ABCD0123';
const keyA = parseSecretKey('a5'.repeat(32), 'k');
const keyB = parseSecretKey('b6'.repeat(32), 'k');
const HTTPS = 'https://proxy.example/ProfitRestServices';

describe('sources: where a token may go', () => {
  let db: TestDatabase;
  let store: SourceStore;
  const base = { environmentId: '12345', environmentType: 'test' as const, token: TOKEN };
  const sealedOf = async (name: string) =>
    (
      await db.pool.query<{ token_sealed: string }>(`SELECT token_sealed FROM afas.sources WHERE name = $1`, [
        name,
      ])
    ).rows[0]?.token_sealed ?? '';

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new SourceStore(db.pool, db.schema, { current: keyA, previous: [] });
  });
  afterAll(async () => db?.drop());

  it('refuses plain http:// to a host other than loopback unless allowed, naming the URL and the flag', async () => {
    const refusal = (name: string, url: string) =>
      `source ${name}: base URL ${url} uses plain http:// to a host that is not this machine, so the AFAS ` +
      'token would cross the network unencrypted; use https://, or pass --allow-insecure-http to ' +
      '`afas-sync source add|update` to accept that';
    const plain = 'http://afas-proxy.internal/ProfitRestServices';
    const refused = store.add({ ...base, name: 'plain', baseUrl: plain });
    await expect(refused).rejects.toBeInstanceOf(SourceValidationError);
    await expect(refused).rejects.toThrow(refusal('plain', plain));
    expect(await store.find('plain')).toBeUndefined();

    for (const [name, baseUrl] of [
      ['loop4', 'http://127.0.0.1:8080/ProfitRestServices'],
      ['loop6', 'http://[::1]:8080/ProfitRestServices'],
      ['loopname', 'http://localhost:8080/ProfitRestServices'],
    ] as const)
      expect((await store.add({ ...base, name, baseUrl })).allowInsecureHttp).toBe(false);

    const allowed = await store.add({ ...base, name: 'plain', baseUrl: plain, allowInsecureHttp: true });
    expect(allowed).toMatchObject({ baseUrl: plain, allowInsecureHttp: true });
    expect(await store.token('plain')).toBe(TOKEN);

    // The allowance belongs to the URL it came with: another plain URL needs it again.
    const elsewhere = 'http://10.1.2.3/ProfitRestServices';
    await expect(store.update('plain', { baseUrl: elsewhere })).rejects.toThrow(refusal('plain', elsewhere));
    await expect(store.update('loop4', { baseUrl: elsewhere })).rejects.toThrow(refusal('loop4', elsewhere));
    expect(await store.get('plain')).toMatchObject({ baseUrl: plain, allowInsecureHttp: true });
    expect(await store.update('plain', { baseUrl: HTTPS })).toMatchObject({
      baseUrl: HTTPS,
      allowInsecureHttp: false,
    });
  });

  it.each([
    ['base_url', `'https://evil.example/ProfitRestServices'`],
    ['base_url', 'NULL'],
    ['environment_id', `'54321'`],
    ['environment_type', `'production'`],
  ])('a %s changed in the database leaves the token unreadable, with the fix', async (column, value) => {
    const name = `moved-${column.replace('_', '-')}-${value === 'NULL' ? 'null' : 'set'}`;
    await store.add({ ...base, name, baseUrl: HTTPS });
    await db.pool.query(`UPDATE afas.sources SET ${column} = ${value} WHERE name = $1`, [name]);
    const opening = store.credential(name);
    await expect(opening).rejects.toBeInstanceOf(TokenCryptoError);
    await expect(opening).rejects.toThrow(
      `stored token of source "${name}" failed authentication with key ${keyA.id}: it was sealed for another ` +
        'source, environment or base URL (one changed outside afas-sync?) or is damaged, so it is not used; ' +
        `check the source's environment and base URL (\`afas-sync source show ${name}\`), then re-enter the ` +
        `token with \`afas-sync source update ${name} --token-file <file>\``,
    );
    // Entering the token again (what the message says) seals it for the new place.
    await store.update(name, { token: NEW_TOKEN });
    expect(await store.token(name)).toBe(NEW_TOKEN);
  });

  it('an update that moves the source reseals its token for the new environment and URL', async () => {
    await store.add({ ...base, name: 'mover', baseUrl: HTTPS });
    const before = await sealedOf('mover');
    await store.update('mover', { baseUrl: 'https://other-proxy.example/ProfitRestServices' });
    await store.update('mover', { environmentId: '777', environmentType: 'accept' });
    await store.update('mover', { baseUrl: null });
    expect(await sealedOf('mover')).not.toBe(before);
    expect(await store.credential('mover')).toEqual({
      source: 'mover',
      environmentId: '777',
      environmentType: 'accept',
      baseUrl: null,
      allowInsecureHttp: false,
      oauthClientId: null,
      credential: { kind: 'token', token: TOKEN },
    });
    // A change that moves nothing keeps the sealed value.
    const sealed = await sealedOf('mover');
    await store.update('mover', { syncIntervalSeconds: 3600 });
    expect(await sealedOf('mover')).toBe(sealed);
  });

  it('the upgrade at open reseals v1 tokens as v2 with the current key; a v1 token left over opens on first use', async () => {
    await store.add({ ...base, name: 'legacy', baseUrl: HTTPS });
    await store.add({ ...base, name: 'legacy-late', baseUrl: HTTPS });
    await store.add({ ...base, name: 'legacy-lost', baseUrl: HTTPS });
    const lostKey = parseSecretKey('c7'.repeat(32), 'k');
    const writeV1 = (name: string, key = keyA) =>
      db.pool.query(`UPDATE afas.sources SET token_sealed = $2, token_key_id = $3 WHERE name = $1`, [
        name,
        sealV1(TOKEN, key, name),
        key.id,
      ]);
    await writeV1('legacy');
    await writeV1('legacy-lost', lostKey);

    const app = await openAppContext(
      { databaseUrl: db.url, dbSchema: db.schema, secretKey: keyB, previousSecretKeys: [keyA] },
      { poolSize: 2 },
    );
    try {
      expect(app.tokenUpgrade?.resealed).toEqual(['legacy']);
      expect(app.tokenUpgrade?.failed).toEqual([
        {
          source: 'legacy-lost',
          reason: `stored token was sealed with key ${lostKey.id}, which is neither AFAS_SYNC_SECRET_KEY nor in AFAS_SYNC_PREVIOUS_SECRET_KEYS`,
        },
      ]);
      expect(await sealedOf('legacy')).toMatch(new RegExp(`^v2\\.${keyB.id}\\.`));
      expect((await app.sources.get('legacy')).tokenKeyId).toBe(keyB.id);
      expect(await app.sources.token('legacy')).toBe(TOKEN);
      // Now bound to the URL: moving it in the database makes it unreadable.
      await db.pool.query(
        `UPDATE afas.sources SET base_url = 'https://evil.example/x' WHERE name = 'legacy'`,
      );
      await expect(app.sources.token('legacy')).rejects.toThrow(/failed authentication/);

      // Written as v1 after the upgrade (an older CLI during a rolling upgrade): its first use
      // opens it and stores it as v2.
      await writeV1('legacy-late');
      expect(await app.sources.token('legacy-late')).toBe(TOKEN);
      expect(await sealedOf('legacy-late')).toMatch(new RegExp(`^v2\\.${keyB.id}\\.`));
      expect(await app.sources.token('legacy-late')).toBe(TOKEN);
    } finally {
      await app.close();
    }
  });

  it('a reseal racing a token rotation keeps the rotated token', async () => {
    await store.add({ ...base, name: 'racer', baseUrl: HTTPS });
    const rotated = new SourceStore(db.pool, db.schema, { current: keyB, previous: [keyA] });
    const holder = await db.pool.connect();
    let resealing: ReturnType<SourceStore['resealAll']> | undefined;
    try {
      // Hold the row, let the reseal read the old token and block on its write, then commit what
      // `source update racer --token-file` writes: the new token sealed for the row's binding.
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM afas.sources WHERE name = 'racer' FOR UPDATE`);
      resealing = rotated.resealAll();
      for (let waited = 0; ; waited += 50) {
        const blocked = await db.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE%'`,
        );
        if (blocked.rows[0]?.n === '1') break;
        if (waited > 10_000) throw new Error('the reseal never reached its write');
        await sleep(50);
      }
      const binding = {
        source: 'racer',
        environmentId: base.environmentId,
        environmentType: base.environmentType,
        baseUrl: HTTPS,
        allowInsecureHttp: false,
        oauthClientId: null,
      };
      await holder.query(
        `UPDATE afas.sources SET token_sealed = $1, token_key_id = $2 WHERE name = 'racer'`,
        [sealToken(NEW_TOKEN, keyB, binding), keyB.id],
      );
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    const outcome = await resealing;
    // Not resealed (the rotated token is already sealed with the current key), and not failed.
    expect(outcome?.resealed).not.toContain('racer');
    expect(outcome?.failed.map((failure) => failure.source)).not.toContain('racer');
    expect(await rotated.token('racer')).toBe(NEW_TOKEN);
  });
});
