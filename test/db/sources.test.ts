import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { SourceNotFoundError, SourceStore } from '../../src/db/sources.js';
import { SourceValidationError } from '../../src/db/source-validation.js';
import { TokenCryptoError } from '../../src/db/token-crypto.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const TOKEN =
  '<token><version>1</version><data>ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789</data></token>';
const keyA = parseSecretKey('aa'.repeat(32), 'k');
const keyB = parseSecretKey('bb'.repeat(32), 'k');

describe('sources store', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it('stores the token sealed: no plaintext, data part or base64 form anywhere in the table', async () => {
    const store = new SourceStore(db.pool, db.schema, { current: keyA, previous: [] });
    await store.add({ name: 'acme', environmentId: '12345', environmentType: 'test', token: TOKEN });
    const dump = await db.pool.query<{ row: string }>(
      `SELECT row_to_json(s)::text AS row FROM afas.sources s`,
    );
    const text = dump.rows.map((r) => r.row).join('\n');
    expect(text).not.toContain('ABCDEF0123456789');
    expect(text).not.toContain(Buffer.from(TOKEN).toString('base64').slice(0, 20));
    expect(await store.token('acme')).toBe(TOKEN);
    const record = await store.get('acme');
    expect(record).toMatchObject({
      environmentId: '12345',
      environmentType: 'test',
      connectorPrefix: 'Profit_',
      maxConcurrency: 4,
    });
    expect(JSON.stringify(record)).not.toContain('ABCDEF');
  });

  it('refuses a token sealed for another source (the row name is authenticated data)', async () => {
    const store = new SourceStore(db.pool, db.schema, { current: keyA, previous: [] });
    await store.add({ name: 'other', environmentId: '1', environmentType: 'production', token: 'DATA1234' });
    await db.pool.query(
      `UPDATE afas.sources SET token_sealed = (SELECT token_sealed FROM afas.sources WHERE name = 'acme') WHERE name = 'other'`,
    );
    await expect(store.token('other')).rejects.toBeInstanceOf(TokenCryptoError);
  });

  it('rotates keys: old tokens open with the previous key, resealAll moves them to the new one', async () => {
    const rotated = new SourceStore(db.pool, db.schema, { current: keyB, previous: [keyA] });
    expect(await rotated.token('acme')).toBe(TOKEN);
    const outcome = await rotated.resealAll();
    expect(outcome.resealed).toEqual(['acme']);
    // The tampered row is reported, not fatal for the others.
    expect(outcome.failed.map((f) => f.source)).toEqual(['other']);
    const onlyNew = new SourceStore(db.pool, db.schema, { current: keyB, previous: [] });
    expect(await onlyNew.token('acme')).toBe(TOKEN);
    const onlyOld = new SourceStore(db.pool, db.schema, { current: keyA, previous: [] });
    await expect(onlyOld.token('acme')).rejects.toThrow(/sealed with key/);
  });

  it('names unknown sources and rejects bad values through constraints', async () => {
    const store = new SourceStore(db.pool, db.schema, { current: keyA, previous: [] });
    await expect(store.get('nope')).rejects.toBeInstanceOf(SourceNotFoundError);
    await expect(
      store.add({ name: 'Bad Name', environmentId: '1', environmentType: 'test', token: 'x' }),
    ).rejects.toThrow();
    await expect(
      store.add({
        name: 'ftp',
        environmentId: '1',
        environmentType: 'test',
        baseUrl: 'ftp://x',
        token: 'DATA1234',
      }),
    ).rejects.toThrow();
  });

  it('accepts only http(s) base URLs without credentials, on add and on update, without echoing them', async () => {
    const store = new SourceStore(db.pool, db.schema, { current: keyA, previous: [] });
    const base = { environmentId: '1', environmentType: 'test' as const, token: 'DATA1234' };
    const cases: [string, string][] = [
      ['ftp://afas.example/ProfitRestServices', 'base URL must use http or https, not ftp:'],
      ['file:///etc/passwd', 'base URL must use http or https, not file:'],
      ['javascript:alert(1)', 'base URL must use http or https, not javascript:'],
      ['HTTP://upper.example', 'base URL must start with http:// or https://'],
      [' https://leading-space.example', 'base URL must start with http:// or https://'],
      ['//scheme-relative.example', 'base URL is not an absolute http(s) URL'],
      ['https://operator:pw-in-url@afas.example/', 'base URL must not contain a user name or password'],
      [
        'https://afas.example/ProfitRestServices?token=abc',
        'base URL must not contain a query string or fragment',
      ],
    ];
    for (const [index, [baseUrl, problem]] of cases.entries()) {
      const name = `url-${index}`;
      const attempt = store.add({ ...base, name, baseUrl });
      await expect(attempt).rejects.toBeInstanceOf(SourceValidationError);
      await expect(attempt).rejects.toThrow(`source ${name}: ${problem}`);
    }
    await expect(store.add({ ...base, name: 'url-empty', baseUrl: '' })).rejects.toThrow(
      'new row for relation "sources" violates check constraint "sources_base_url_check"',
    );
    await store.add({
      ...base,
      name: 'url-ok',
      baseUrl: 'https://12345.resttest.afas.online/ProfitRestServices',
    });
    await store.add({ ...base, name: 'url-http', baseUrl: 'http://127.0.0.1:8080/ProfitRestServices' });
    await expect(store.update('url-ok', { baseUrl: 'gopher://x' })).rejects.toThrow(
      'source url-ok: base URL must use http or https, not gopher:',
    );
    await expect(store.update('url-ok', { baseUrl: 'https://u:secret@x/' })).rejects.not.toThrow(/secret/);
    expect((await store.get('url-ok')).baseUrl).toBe('https://12345.resttest.afas.online/ProfitRestServices');
    // Below the store, the table itself refuses any other scheme.
    await expect(
      db.pool.query(`UPDATE afas.sources SET base_url = 'ftp://x' WHERE name = 'url-ok'`),
    ).rejects.toThrow('sources_base_url_check');
  });

  it('a new token or connection setting clears "needs attention"; other settings leave it', async () => {
    const store = new SourceStore(db.pool, db.schema, { current: keyA, previous: [] });
    await store.add({ name: 'flagged', environmentId: '1', environmentType: 'test', token: 'DATA1234' });
    const statusAfter = async (changes: Parameters<SourceStore['update']>[1]) => {
      await store.markNeedsAttention('flagged', 'AFAS answered HTTP 401');
      const record = await store.update('flagged', changes);
      return { status: record.status, reason: record.statusReason };
    };
    const flagged = { status: 'needs_attention', reason: 'AFAS answered HTTP 401' };
    const cleared = { status: 'active', reason: null };
    expect(await statusAfter({ syncIntervalSeconds: 3600 })).toEqual(flagged);
    expect(await statusAfter({ maxConcurrency: 2 })).toEqual(flagged);
    expect(await statusAfter({ token: 'DATA5678' })).toEqual(cleared);
    expect(await statusAfter({ baseUrl: 'https://afas.example/ProfitRestServices' })).toEqual(cleared);
    expect(await statusAfter({ environmentId: '2' })).toEqual(cleared);
    expect(await statusAfter({ connectorMap: { debtors: 'Profit_Debtor_2' } })).toEqual(cleared);
  });

  it('the AFAS client refuses what the table lets through but must not be used', async () => {
    const { AfasClient } = await import('../../src/afas/client.js');
    const make = (baseUrl: string) =>
      new AfasClient({ environmentId: '1', environmentType: 'test', baseUrl, token: 'DATA1234' });
    expect(() => make('https://user:pw@afas.example/ProfitRestServices')).toThrow(
      'AFAS base URL override must not contain credentials',
    );
    expect(() => make('https://afas.example/ProfitRestServices?token=x')).toThrow(
      'AFAS base URL override must not contain a query string or fragment',
    );
    expect(() => make('ftp://afas.example')).toThrow(
      'AFAS base URL override must use http or https, not ftp:',
    );
  });
});
