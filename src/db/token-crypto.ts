import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from '../config/index.js';

const VERSION = 'v1';

/** Thrown when a sealed token can't be opened; says which key id is missing, never any secret. */
export class TokenCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenCryptoError';
  }
}

/**
 * Seals a token with AES-256-GCM: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts).
 * `aad` binds the ciphertext to its row (the source name), so a sealed token can't be moved
 * to another source.
 */
export function sealToken(token: string, key: SecretKey, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return [
    VERSION,
    key.id,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ciphertext.toString('base64url'),
  ].join('.');
}

export function openToken(sealed: string, keys: readonly SecretKey[], aad: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION)
    throw new TokenCryptoError('stored token has an unknown format');
  const [, keyIdPart, ivPart, tagPart, dataPart] = parts as [string, string, string, string, string];
  const key = keys.find((candidate) => candidate.id === keyIdPart);
  if (!key) {
    throw new TokenCryptoError(
      `stored token was sealed with key ${keyIdPart}, which is neither AFAS_SYNC_SECRET_KEY nor in AFAS_SYNC_PREVIOUS_SECRET_KEYS`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(ivPart, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tagPart, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(dataPart, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new TokenCryptoError(`stored token for ${aad} failed authentication with key ${key.id}`);
  }
}
