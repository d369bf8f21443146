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
  /**
   * The OAuth client the sealed value is the secret of; null when it is a classic token. Part of
   * the binding so a client secret can't be moved to another client id (or to a classic row) in
   * the database and be sent as that.
   */
  readonly oauthClientId: string | null;
}

/**
 * The associated data of a v2 value: every field of the binding, unambiguously delimited. A
 * classic token keeps the array it had before OAuth existed, so every token sealed until then opens
 * as it is, without a reseal; an OAuth client secret has its own label and adds the client id, so
 * neither kind opens as the other.
 */
export function bindingData(binding: TokenBinding): string {
  const connection = [
    binding.source,
    binding.environmentId,
    binding.environmentType,
    binding.baseUrl,
    binding.allowInsecureHttp,
  ];
  if (binding.oauthClientId === null) return JSON.stringify(['afas-sync token v2', ...connection]);
  return JSON.stringify(['afas-sync oauth client secret v2', ...connection, binding.oauthClientId]);
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
        `${tag.length}-byte tag, where only ${IV_BYTES} and ${TAG_BYTES} are accepted; ${reenter(binding)}`,
    );
  }
  const legacy = version === LEGACY_VERSION;
  // v1 predates OAuth: a v1 value on an OAuth row was put there by hand and is bound to no client.
  if (legacy && binding.oauthClientId !== null) {
    throw new TokenCryptoError(
      `stored client secret of source "${binding.source}" is in the v1 format, which only classic tokens ` +
        `were ever sealed in, so it is not used; ${reenter(binding)}`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(legacy ? binding.source : bindingData(binding), 'utf8'));
    decipher.setAuthTag(tag);
    const token = Buffer.concat([decipher.update(Buffer.from(dataPart, 'base64url')), decipher.final()]);
    return { token: token.toString('utf8'), legacy, keyId: key.id };
  } catch {
    const what = binding.oauthClientId === null ? 'token' : 'client secret';
    const places =
      binding.oauthClientId === null ? 'environment or base URL' : 'environment, base URL or OAuth client';
    throw new TokenCryptoError(
      `stored ${what} of source "${binding.source}" failed authentication with key ${key.id}: it was sealed ` +
        `for another source, ${places} (one changed outside afas-sync?) or is damaged, so it ` +
        `is not used; ${reenter(binding)}`,
    );
  }
}

/** The fix, after checking where the secret would go: a DB-changed URL must not get it either. */
function reenter(binding: TokenBinding): string {
  const { source } = binding;
  if (binding.oauthClientId === null) {
    return (
      `check the source's environment and base URL (\`afas-sync source show ${source}\`), then re-enter ` +
      `the token with \`afas-sync source update ${source} --token-file <file>\``
    );
  }
  return (
    `check the source's environment, base URL and OAuth client id (\`afas-sync source show ${source}\`), ` +
    `then re-enter the client secret with \`afas-sync source update ${source} --client-secret-file <file>\``
  );
}
