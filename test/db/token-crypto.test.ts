// The sealed-token format (pure): what a v2 token is bound to, how a v1 token still opens, and
// that only a full 16-byte GCM tag authenticates.
import { describe, expect, it } from 'vitest';
import { parseSecretKey } from '../../src/config/secret-key.js';
import {
  isLegacySealed,
  openToken,
  sealToken,
  TokenCryptoError,
  type TokenBinding,
} from '../../src/db/token-crypto.js';
import { sealV1 } from '../helpers/legacy-token.js';

const TOKEN = 'B1ND0123456789ABCDEFB1ND0123456789ABCDEFB1ND0123456789ABCDEF0123';
const KEY = parseSecretKey('c3'.repeat(32), 'k');
const BINDING: TokenBinding = {
  source: 'acme',
  environmentId: '12345',
  environmentType: 'production',
  baseUrl: 'https://proxy.example/ProfitRestServices',
  allowInsecureHttp: false,
  oauthClientId: null,
};

/** The sealed value with its tag cut to `bytes` (a prefix of the real tag). */
function withTagBytes(sealed: string, bytes: number): string {
  const parts = sealed.split('.');
  parts[3] = Buffer.from(parts[3] ?? '', 'base64url')
    .subarray(0, bytes)
    .toString('base64url');
  return parts.join('.');
}

describe('sealed tokens', () => {
  it('seal as v2 and open under the same binding, with the key that opened them', () => {
    const sealed = sealToken(TOKEN, KEY, BINDING);
    expect(sealed.startsWith(`v2.${KEY.id}.`)).toBe(true);
    expect(isLegacySealed(sealed)).toBe(false);
    expect(sealed).not.toContain(TOKEN);
    expect(openToken(sealed, [KEY], BINDING)).toEqual({ token: TOKEN, legacy: false, keyId: KEY.id });
  });

  it.each<[string, Partial<TokenBinding>]>([
    ['another source', { source: 'other' }],
    ['another environment id', { environmentId: '54321' }],
    ['another environment type', { environmentType: 'test' }],
    ['another base URL', { baseUrl: 'https://evil.example/ProfitRestServices' }],
    ['no base URL (AFAS Online)', { baseUrl: null }],
    ['plain http allowed', { allowInsecureHttp: true }],
  ])('do not open for %s, and say how to re-enter the token', (_, change) => {
    const sealed = sealToken(TOKEN, KEY, BINDING);
    const binding = { ...BINDING, ...change };
    expect(() => openToken(sealed, [KEY], binding)).toThrow(TokenCryptoError);
    expect(() => openToken(sealed, [KEY], binding)).toThrow(
      `stored token of source "${binding.source}" failed authentication with key ${KEY.id}: it was sealed ` +
        'for another source, environment or base URL (one changed outside afas-sync?) or is damaged, so it ' +
        `is not used; check the source's environment and base URL (\`afas-sync source show ${binding.source}\`), ` +
        `then re-enter the token with \`afas-sync source update ${binding.source} --token-file <file>\``,
    );
  });

  it('open a v1 token with its old associated data and report it as legacy', () => {
    const sealed = sealV1(TOKEN, KEY, 'acme');
    expect(isLegacySealed(sealed)).toBe(true);
    expect(openToken(sealed, [KEY], BINDING)).toEqual({ token: TOKEN, legacy: true, keyId: KEY.id });
    expect(() => openToken(sealed, [KEY], { ...BINDING, source: 'other' })).toThrow(TokenCryptoError);
  });

  it.each([15, 12, 4])('refuse a tag cut to %i bytes, though it is a prefix of the real one', (bytes) => {
    for (const sealed of [sealToken(TOKEN, KEY, BINDING), sealV1(TOKEN, KEY, 'acme')]) {
      expect(() => openToken(withTagBytes(sealed, bytes), [KEY], BINDING)).toThrow(
        new RegExp(
          `^stored token of source "acme" is damaged: it has a 12-byte nonce and a ${bytes}-byte tag`,
        ),
      );
    }
  });

  it('name a missing key by id and an unknown format, never the sealed value', () => {
    const other = parseSecretKey('d4'.repeat(32), 'k');
    const sealed = sealToken(TOKEN, other, BINDING);
    expect(() => openToken(sealed, [KEY], BINDING)).toThrow(
      `stored token was sealed with key ${other.id}, which is neither AFAS_SYNC_SECRET_KEY nor in AFAS_SYNC_PREVIOUS_SECRET_KEYS`,
    );
    expect(() => openToken(sealed.replace(/^v2/, 'v3'), [other], BINDING)).toThrow(
      'stored token of source "acme" has an unknown format',
    );
  });
});
