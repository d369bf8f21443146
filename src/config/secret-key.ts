import { createHash } from 'node:crypto';
import { ConfigError } from './errors.js';

/** A 256-bit key for AES-256-GCM, with a short id so stored ciphertexts say which key sealed them. */
export interface SecretKey {
  readonly id: string;
  readonly bytes: Buffer;
}

/**
 * Accepts 32 bytes as 64 hex characters or as base64 (44 characters with padding).
 * The key itself never appears in an error.
 */
export function parseSecretKey(raw: string, variable: string): SecretKey {
  const text = raw.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    bytes = Buffer.from(text, 'hex');
  } else if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(text)) {
    const decoded = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (decoded.length === 32) bytes = decoded;
  }
  if (!bytes) {
    throw new ConfigError(
      variable,
      'must be a 256-bit key: 64 hex characters or 32 bytes in base64 (generate one with `openssl rand -hex 32`)',
    );
  }
  return { id: keyId(bytes), bytes };
}

export function keyId(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 8);
}
