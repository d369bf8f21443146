// The sealed-secret column of `sources` (a classic token, or an OAuth client secret): opening it
// under its row's binding, and resealing it (key rotation, the v1 → v2 upgrade). A reseal writes only if the row still holds the sealed
// value it opened (compare-and-set), so a token rotated in between is never overwritten.
import type pg from 'pg';
import type { AfasCredential } from '../afas/credentials.js';
import type { EnvironmentType } from '../afas/urls.js';
import type { SecretKey } from '../config/index.js';
import { isLegacySealed, openToken, sealToken, type TokenBinding } from './token-crypto.js';

export class SourceNotFoundError extends Error {
  constructor(readonly source: string) {
    super(`unknown source "${source}" (list them with \`afas-sync source list\`)`);
    this.name = 'SourceNotFoundError';
  }
}

/** A row's token as stored, with the binding it must authenticate under. */
export interface SealedToken {
  readonly binding: TokenBinding;
  readonly sealed: string;
  readonly keyId: string;
}

/**
 * A credential opened under its row's binding: the client must be built from this binding only.
 * `credential` is a classic token when `oauthClientId` is null, else that OAuth client.
 */
export interface SourceCredential extends TokenBinding {
  readonly credential: AfasCredential;
}

/** The credential whose secret part was sealed under `binding`. */
export function credentialOf(binding: TokenBinding, secret: string): AfasCredential {
  return binding.oauthClientId === null
    ? { kind: 'token', token: secret }
    : { kind: 'oauth', clientId: binding.oauthClientId, clientSecret: secret };
}

export interface ResealOutcome {
  resealed: string[];
  failed: { source: string; reason: string }[];
}

interface SealedRow {
  name: string;
  environment_id: string;
  environment_type: EnvironmentType;
  base_url: string | null;
  allow_insecure_http: boolean;
  oauth_client_id: string | null;
  token_sealed: string;
  token_key_id: string;
}

type Queryable = pg.ClientBase | pg.Pool;

/** How often a reseal re-reads a row whose token changed under it before it reports the row. */
const RESEAL_ATTEMPTS = 3;

export class SourceTokens {
  constructor(
    private readonly db: pg.Pool,
    private readonly table: string,
    private readonly keys: { current: SecretKey | undefined; previous: readonly SecretKey[] },
  ) {}

  currentKey(): SecretKey {
    if (!this.keys.current) throw new Error('AFAS_SYNC_SECRET_KEY is not set; it is needed to store a token');
    return this.keys.current;
  }

  /** Seals a token or client secret with the current key: the values of `token_sealed` and `token_key_id`. */
  seal(token: string, binding: TokenBinding): { sealed: string; keyId: string } {
    const key = this.currentKey();
    return { sealed: sealToken(token, key, binding), keyId: key.id };
  }

  /** Reads a row's sealed token; `lock` holds the row for the rest of `db`'s transaction. */
  async read(name: string, db: Queryable = this.db, lock = false): Promise<SealedToken> {
    const result = await db.query<SealedRow>(
      `SELECT name, environment_id, environment_type, base_url, allow_insecure_http, oauth_client_id,
              token_sealed, token_key_id
         FROM ${this.table} WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
      [name],
    );
    const row = result.rows[0];
    if (!row) throw new SourceNotFoundError(name);
    return {
      binding: {
        source: row.name,
        environmentId: row.environment_id,
        environmentType: row.environment_type,
        baseUrl: row.base_url,
        allowInsecureHttp: row.allow_insecure_http,
        oauthClientId: row.oauth_client_id,
      },
      sealed: row.token_sealed,
      keyId: row.token_key_id,
    };
  }

  open(stored: SealedToken): { token: string; legacy: boolean } {
    const keys = [...(this.keys.current ? [this.keys.current] : []), ...this.keys.previous];
    return openToken(stored.sealed, keys, stored.binding);
  }

  /**
   * Opens a source's credential. A v1 token is resealed as v2 on the way (when the current key is
   * configured), so a row the startup upgrade missed (an older CLI wrote it meanwhile) never
   * blocks a sync and is upgraded by its first use.
   */
  async credential(name: string): Promise<SourceCredential> {
    const stored = await this.read(name);
    const opened = this.open(stored);
    if (opened.legacy && this.keys.current) await this.replace(stored, opened.token);
    return { ...stored.binding, credential: credentialOf(stored.binding, opened.token) };
  }

  /**
   * Writes `token` sealed with the current key under the row's binding, only if the row still
   * holds `stored.sealed` and its binding: false when a concurrent update changed it first.
   */
  private async replace(stored: SealedToken, token: string): Promise<boolean> {
    const next = this.seal(token, stored.binding);
    const { binding } = stored;
    const result = await this.db.query(
      `UPDATE ${this.table} SET token_sealed = $2, token_key_id = $3
        WHERE name = $1 AND token_sealed = $4 AND environment_id = $5 AND environment_type = $6
          AND base_url IS NOT DISTINCT FROM $7 AND allow_insecure_http = $8
          AND oauth_client_id IS NOT DISTINCT FROM $9`,
      [
        binding.source,
        next.sealed,
        next.keyId,
        stored.sealed,
        binding.environmentId,
        binding.environmentType,
        binding.baseUrl,
        binding.allowInsecureHttp,
        binding.oauthClientId,
      ],
    );
    return result.rowCount === 1;
  }

  private needsReseal(stored: SealedToken, onlyLegacy: boolean): boolean {
    if (isLegacySealed(stored.sealed)) return true;
    return !onlyLegacy && stored.keyId !== this.currentKey().id;
  }

  /**
   * Reseals one row with the current key. When the row changed between reading and writing (a
   * `source update --token-file`), the new value is read again: it is usually already current,
   * and is never overwritten with the old token.
   */
  private async resealRow(name: string, onlyLegacy: boolean): Promise<boolean> {
    for (let attempt = 1; attempt <= RESEAL_ATTEMPTS; attempt++) {
      const stored = await this.read(name);
      if (!this.needsReseal(stored, onlyLegacy)) return false;
      if (await this.replace(stored, this.open(stored).token)) return true;
    }
    throw new Error(`its token changed ${RESEAL_ATTEMPTS} times while being resealed; run the reseal again`);
  }

  /**
   * Reseals every token that is not sealed with the current key in the current format, or with
   * `onlyLegacy` every v1 token (the upgrade run at startup). A token no known key opens is left
   * as it is and reported, so one bad row can't block the others.
   */
  async resealAll(onlyLegacy = false): Promise<ResealOutcome> {
    this.currentKey();
    const rows = await this.db.query<{ name: string }>(`SELECT name FROM ${this.table} ORDER BY name`);
    const outcome: ResealOutcome = { resealed: [], failed: [] };
    for (const { name } of rows.rows) {
      try {
        if (await this.resealRow(name, onlyLegacy)) outcome.resealed.push(name);
      } catch (error) {
        // A source removed meanwhile has nothing left to reseal.
        if (error instanceof SourceNotFoundError) continue;
        outcome.failed.push({ source: name, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return outcome;
  }
}
