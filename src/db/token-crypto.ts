import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EnvironmentType } from '../afas/urls.js';
import type { SecretKey } from '../config/index.js';

/** The format every token is sealed in now: its associated data is the whole binding. */
const CURRENT_VERSION = 'v2';
/** Before v2 the associated data was the source name alone; such tokens are still opened, then resealed. */
const LEGACY_VERSION = 'v1';
const IV_BYTES = 12;
/** GCM's full tag. A shorter one would authenticate with fewer guesses, so no other length is opened. */
const TAG_BYTES = 16;

/** Thrown when a sealed token can't be opened; names the source and key id, never any secret. */
export class TokenCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenCryptoError';
  }
}

/**
 * Where a token may be sent: the source it belongs to and the host its client talks to. A sealed
 * token authenticates only with the binding it was sealed under, so a URL or environment changed
 * in the database (not through `source update`, which reseals) leaves the token unreadable instead
 * of sending it to the new host.
 */
export interface TokenBinding {
  readonly source: string;
  readonly environmentId: string;
  readonly environmentType: EnvironmentType;
  readonly baseUrl: string | null;
  readonly allowInsecureHttp: boolean;
}

/** The associated data of a v2 token: every field of the binding, unambiguously delimited. */
export function bindingData(binding: TokenBinding): string {
  return JSON.stringify([
    'afas-sync token v2',
    binding.source,
    binding.environmentId,
    binding.environmentType,
    binding.baseUrl,
    binding.allowInsecureHttp,
  ]);
}

export function sameBinding(a: TokenBinding, b: TokenBinding): boolean {
  return bindingData(a) === bindingData(b);
}

/**
 * Seals a token with AES-256-GCM: `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts), the
 * binding as associated data.
 */
export function sealToken(token: string, key: SecretKey, binding: TokenBinding): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(bindingData(binding), 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return [
    CURRENT_VERSION,
    key.id,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ciphertext.toString('base64url'),
  ].join('.');
}

export interface OpenedToken {
  token: string;
  /** Sealed in the v1 format (bound to the source name only): reseal it as v2. */
  legacy: boolean;
  /** The key that opened it. */
  keyId: string;
}

/** Whether a sealed value is in the v1 format, which the upgrade reseals. */
export function isLegacySealed(sealed: string): boolean {
  return sealed.startsWith(`${LEGACY_VERSION}.`);
}

/**
 * Opens a sealed token under the binding of its row. A v1 token (sealed before the binding
 * covered the URL) is opened with its old associated data, the source name, and reported as
 * `legacy` so the caller reseals it.
 */
export function openToken(sealed: string, keys: readonly SecretKey[], binding: TokenBinding): OpenedToken {
  const parts = sealed.split('.');
  const version = parts[0];
  if (parts.length !== 5 || (version !== CURRENT_VERSION && version !== LEGACY_VERSION))
    throw new TokenCryptoError(`stored token of source "${binding.source}" has an unknown format`);
  const [, keyIdPart, ivPart, tagPart, dataPart] = parts as [string, string, string, string, string];
  const key = keys.find((candidate) => candidate.id === keyIdPart);
  if (!key) {
    throw new TokenCryptoError(
      `stored token was sealed with key ${keyIdPart}, which is neither AFAS_SYNC_SECRET_KEY nor in AFAS_SYNC_PREVIOUS_SECRET_KEYS`,
    );
  }
  const iv = Buffer.from(ivPart, 'base64url');
  const tag = Buffer.from(tagPart, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new TokenCryptoError(
      `stored token of source "${binding.source}" is damaged: it has a ${iv.length}-byte nonce and a ` +
        `${tag.length}-byte tag, where only ${IV_BYTES} and ${TAG_BYTES} are accepted; ${reenter(binding.source)}`,
    );
  }
  const legacy = version === LEGACY_VERSION;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(legacy ? binding.source : bindingData(binding), 'utf8'));
    decipher.setAuthTag(tag);
    const token = Buffer.concat([decipher.update(Buffer.from(dataPart, 'base64url')), decipher.final()]);
    return { token: token.toString('utf8'), legacy, keyId: key.id };
  } catch {
    throw new TokenCryptoError(
      `stored token of source "${binding.source}" failed authentication with key ${key.id}: it was sealed ` +
        'for another source, environment or base URL (one changed outside afas-sync?) or is damaged, so it ' +
        `is not used; ${reenter(binding.source)}`,
    );
  }
}

/** The fix, after checking where the token would go: a DB-changed URL must not get it either. */
function reenter(source: string): string {
  return (
    `check the source's environment and base URL (\`afas-sync source show ${source}\`), then re-enter ` +
    `the token with \`afas-sync source update ${source} --token-file <file>\``
  );
}
