// Tokens as afas-sync sealed them before the v2 format, for the upgrade tests.
import { createCipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from '../../src/config/secret-key.js';

/** `v1.<keyId>.<iv>.<tag>.<ciphertext>`: AES-256-GCM with the source name as associated data. */
export function sealV1(token: string, key: SecretKey, source: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(Buffer.from(source, 'utf8'));
  const data = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return ['v1', key.id, ...[iv, cipher.getAuthTag(), data].map((part) => part.toString('base64url'))].join(
    '.',
  );
}
