import type pg from 'pg';
import type { AfasCredential, CredentialKind } from '../afas/credentials.js';
import type { SecretKey } from '../config/index.js';
import { ident, inTransaction } from './pool.js';
import {
  SourceNotFoundError,
  SourceTokens,
  type ResealOutcome,
  type SourceCredential,
} from './source-tokens.js';
import { CONNECTION_SETTINGS } from './source-status.js';
import { checkBaseUrl, SourceValidationError } from './source-validation.js';
import { sameBinding, type TokenBinding } from './token-crypto.js';

export { SourceNotFoundError, type SourceCredential } from './source-tokens.js';

/** Defaults of the delete settings (see SourceRecord and migration 0006). */
export const DEFAULT_FULL_RELOAD_MAX_ROWS = 20_000;
export const DEFAULT_RECONCILE_INTERVAL_SECONDS = 3_600;
export const DEFAULT_MASS_DELETE_PERCENT = 50;

export type EnvironmentType = 'production' | 'test' | 'accept';

/** A source as stored; never carries the token or client secret. */
export interface SourceRecord {
  name: string;
  environmentId: string;
  environmentType: EnvironmentType;
  baseUrl: string | null;
  /** The operator allowed plain http:// to this non-loopback base URL (`--allow-insecure-http`). */
  allowInsecureHttp: boolean;
  integrationId: string | null;
  connectorPrefix: string;
  connectorMap: Record<string, string>;
  syncIntervalSeconds: number;
  maxConcurrency: number;
  /** A modified-watermark scope that held at most this many rows at its last reload is reloaded every run. */
  fullReloadMaxRows: number;
  /** A larger scope is reconciled (read whole, deletes marked) once this long after its last reconcile. */
  reconcileIntervalSeconds: number;
  /** A reload may mark at most this share (%) of a scope's live rows deleted (see MassDeleteError). */
  massDeletePercent: number;
  status: 'active' | 'needs_attention';
  statusReason: string | null;
  lastCheckedAt: Date | null;
  lastSuccessAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** The key that sealed the secret part of the credential (token or client secret). */
  tokenKeyId: string;
  /** A classic App-connector token (retired 2027-08-31) or an OAuth client. */
  credentialKind: CredentialKind;
  /** The OAuth client id (an identifier, not a secret); null for a classic token. */
  oauthClientId: string | null;
  /** When the OAuth client secret expires (YYYY-MM-DD, as AFAS shows it), if the operator said. */
  secretExpiresOn: string | null;
}

/** Everything of a new source but its credential. */
export interface SourceSettings {
  name: string;
  environmentId: string;
  environmentType: EnvironmentType;
  baseUrl?: string | null;
  /**
   * Allow plain http:// to a base URL that is not a loopback host. It belongs to the URL it was
   * given with: an update that changes the URL without it clears it.
   */
  allowInsecureHttp?: boolean;
  integrationId?: string | null;
  connectorPrefix?: string;
  connectorMap?: Record<string, string>;
  syncIntervalSeconds?: number;
  maxConcurrency?: number;
  fullReloadMaxRows?: number;
  reconcileIntervalSeconds?: number;
  massDeletePercent?: number;
  /** When the OAuth client secret expires (YYYY-MM-DD); only for an OAuth credential. */
  secretExpiresOn?: string | null;
}

/**
 * A new source's credential: `credential`, or `token` for a classic one (the form from before
 * OAuth, which callers that only know tokens keep using). Exactly one of them.
 */
export interface NewSourceCredential {
  token?: string;
  credential?: AfasCredential;
}

export type NewSource = SourceSettings & NewSourceCredential;

/** The credential a new source or change carries, if any; refuses both forms at once. */
function givenCredential(source: string, given: NewSourceCredential): AfasCredential | undefined {
  if (given.credential && given.token !== undefined)
    throw new SourceValidationError(`source ${source}: give a credential or a token, not both`);
  return given.credential ?? (given.token === undefined ? undefined : { kind: 'token', token: given.token });
}

/**
 * A change to a source. A new credential (`credential`, or `token` for a classic one) replaces the
 * stored one whole: switching kinds, rotating a secret. Its secretExpiresOn is the new secret's
 * (none when not given), since the old secret's date says nothing about it.
 */
export type SourceChanges = Partial<Omit<SourceSettings, 'name'>> & NewSourceCredential;

/** The secret part of a credential: what is sealed. */
export function secretOf(credential: AfasCredential): string {
  return credential.kind === 'token' ? credential.token : credential.clientSecret;
}

const clientIdOf = (credential: AfasCredential): string | null =>
  credential.kind === 'oauth' ? credential.clientId : null;

interface SourceRow {
  name: string;
  environment_id: string;
  environment_type: EnvironmentType;
  base_url: string | null;
  allow_insecure_http: boolean;
  integration_id: string | null;
  connector_prefix: string;
  connector_map: Record<string, string>;
  sync_interval_seconds: number;
  max_concurrency: number;
  full_reload_max_rows: number;
  reconcile_interval_seconds: number;
  mass_delete_percent: number;
  status: 'active' | 'needs_attention';
  status_reason: string | null;
  last_checked_at: Date | null;
  last_success_at: Date | null;
  created_at: Date;
  updated_at: Date;
  token_key_id: string;
  credential_kind: CredentialKind;
  oauth_client_id: string | null;
  secret_expires_on: string | null;
}

const COLUMNS = `name, environment_id, environment_type, base_url, allow_insecure_http, integration_id, connector_prefix, connector_map,
  sync_interval_seconds, max_concurrency, full_reload_max_rows, reconcile_interval_seconds, mass_delete_percent,
  status, status_reason, last_checked_at, last_success_at, created_at, updated_at, token_key_id,
  credential_kind, oauth_client_id, secret_expires_on::text AS secret_expires_on`;

function toRecord(row: SourceRow): SourceRecord {
  return {
    name: row.name,
    environmentId: row.environment_id,
    environmentType: row.environment_type,
    baseUrl: row.base_url,
    allowInsecureHttp: row.allow_insecure_http,
    integrationId: row.integration_id,
    connectorPrefix: row.connector_prefix,
    connectorMap: row.connector_map,
    syncIntervalSeconds: row.sync_interval_seconds,
    maxConcurrency: row.max_concurrency,
    fullReloadMaxRows: row.full_reload_max_rows,
    reconcileIntervalSeconds: row.reconcile_interval_seconds,
    massDeletePercent: row.mass_delete_percent,
    status: row.status,
    statusReason: row.status_reason,
    lastCheckedAt: row.last_checked_at,
    lastSuccessAt: row.last_success_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    tokenKeyId: row.token_key_id,
    credentialKind: row.credential_kind,
    oauthClientId: row.oauth_client_id,
    secretExpiresOn: row.secret_expires_on,
  };
}

/** The binding a token of this source is sealed under (see token-crypto.ts). */
export function bindingOf(
  source: Pick<
    SourceRecord,
    'name' | 'environmentId' | 'environmentType' | 'baseUrl' | 'allowInsecureHttp' | 'oauthClientId'
  >,
): TokenBinding {
  return {
    source: source.name,
    environmentId: source.environmentId,
    environmentType: source.environmentType,
    baseUrl: source.baseUrl,
    allowInsecureHttp: source.allowInsecureHttp,
    oauthClientId: source.oauthClientId,
  };
}

/** A secret expiry date belongs to an OAuth client secret; a classic token has none of its own. */
function checkSecretExpiry(source: string, clientId: string | null, secretExpiresOn: string | null): void {
  if (secretExpiresOn !== null && clientId === null) {
    throw new SourceValidationError(
      `source ${source}: a secret expiry date is only for an OAuth client secret, and this source uses a classic token`,
    );
  }
}

/**
 * Sources table access. Credentials go in sealed (the secret part) and come out only through
 * `token()`/`credential()`.
 */
export class SourceStore {
  private readonly table: string;
  private readonly tokens: SourceTokens;

  constructor(
    private readonly db: pg.Pool,
    schema: string,
    keys: { current: SecretKey | undefined; previous: readonly SecretKey[] },
  ) {
    this.table = `${ident(schema)}.sources`;
    this.tokens = new SourceTokens(db, this.table, keys);
  }

  async add(source: NewSource): Promise<SourceRecord> {
    const allowInsecureHttp = source.allowInsecureHttp ?? false;
    if (source.baseUrl) checkBaseUrl(source.name, source.baseUrl, allowInsecureHttp);
    const credential = givenCredential(source.name, source);
    if (!credential)
      throw new SourceValidationError(`source ${source.name}: a token or an OAuth client is required`);
    const oauthClientId = clientIdOf(credential);
    const secretExpiresOn = source.secretExpiresOn ?? null;
    checkSecretExpiry(source.name, oauthClientId, secretExpiresOn);
    const sealed = this.tokens.seal(secretOf(credential), {
      source: source.name,
      environmentId: source.environmentId,
      environmentType: source.environmentType,
      baseUrl: source.baseUrl ?? null,
      allowInsecureHttp,
      oauthClientId,
    });
    const result = await this.db.query<SourceRow>(
      `INSERT INTO ${this.table} (name, environment_id, environment_type, base_url, allow_insecure_http,
         integration_id, connector_prefix, connector_map, sync_interval_seconds, max_concurrency,
         full_reload_max_rows, reconcile_interval_seconds, mass_delete_percent, token_sealed, token_key_id,
         credential_kind, oauth_client_id, secret_expires_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       RETURNING ${COLUMNS}`,
      [
        source.name,
        source.environmentId,
        source.environmentType,
        source.baseUrl ?? null,
        allowInsecureHttp,
        source.integrationId ?? null,
        source.connectorPrefix ?? 'Profit_',
        JSON.stringify(source.connectorMap ?? {}),
        source.syncIntervalSeconds ?? 900,
        source.maxConcurrency ?? 4,
        source.fullReloadMaxRows ?? DEFAULT_FULL_RELOAD_MAX_ROWS,
        source.reconcileIntervalSeconds ?? DEFAULT_RECONCILE_INTERVAL_SECONDS,
        source.massDeletePercent ?? DEFAULT_MASS_DELETE_PERCENT,
        sealed.sealed,
        sealed.keyId,
        credential.kind,
        oauthClientId,
        secretExpiresOn,
      ],
    );
    return toRecord(result.rows[0] as SourceRow);
  }

  async get(name: string): Promise<SourceRecord> {
    const found = await this.find(name);
    if (!found) throw new SourceNotFoundError(name);
    return found;
  }

  async find(name: string): Promise<SourceRecord | undefined> {
    const result = await this.db.query<SourceRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE name = $1`, [
      name,
    ]);
    return result.rows[0] ? toRecord(result.rows[0]) : undefined;
  }

  async list(): Promise<SourceRecord[]> {
    const result = await this.db.query<SourceRow>(`SELECT ${COLUMNS} FROM ${this.table} ORDER BY name`);
    return result.rows.map(toRecord);
  }

  /** Opens the sealed secret (the classic token or the client secret); only code that calls AFAS uses this. */
  async token(name: string): Promise<string> {
    return secretOf((await this.tokens.credential(name)).credential);
  }

  /**
   * The credential with the environment and base URL it was sealed for, read together: whoever
   * sends it builds its client from these, never from a row read earlier.
   */
  credential(name: string): Promise<SourceCredential> {
    return this.tokens.credential(name);
  }

  /**
   * Changes a source. A change of environment or base URL reseals the token under the new binding
   * (the given new token, or the stored one opened under the old binding), in the transaction that
   * holds the row, so the token is never readable for a host the operator did not set. A new
   * credential replaces the old one whole, of either kind, and touches nothing else of the source:
   * its watermarks, tables, import state and runs live in other tables, keyed by its name.
   */
  async update(name: string, changes: SourceChanges): Promise<SourceRecord> {
    return inTransaction(this.db, async (client) => {
      const stored = await this.tokens.read(name, client, true);
      const credential = givenCredential(name, changes);
      const binding: TokenBinding = {
        source: name,
        environmentId: changes.environmentId ?? stored.binding.environmentId,
        environmentType: changes.environmentType ?? stored.binding.environmentType,
        baseUrl: changes.baseUrl === undefined ? stored.binding.baseUrl : changes.baseUrl,
        allowInsecureHttp:
          changes.allowInsecureHttp ??
          (changes.baseUrl === undefined ? stored.binding.allowInsecureHttp : false),
        oauthClientId: credential ? clientIdOf(credential) : stored.binding.oauthClientId,
      };
      if (binding.baseUrl) checkBaseUrl(name, binding.baseUrl, binding.allowInsecureHttp);
      // A new secret's expiry is what came with it (the old date was the old secret's).
      const secretExpiresOn = credential ? (changes.secretExpiresOn ?? null) : changes.secretExpiresOn;
      if (secretExpiresOn !== undefined) checkSecretExpiry(name, binding.oauthClientId, secretExpiresOn);
      const sets: string[] = [];
      const values: unknown[] = [];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length + 1}`);
      };
      if (changes.environmentId !== undefined) set('environment_id', changes.environmentId);
      if (changes.environmentType !== undefined) set('environment_type', changes.environmentType);
      if (changes.baseUrl !== undefined) set('base_url', changes.baseUrl);
      set('allow_insecure_http', binding.allowInsecureHttp);
      if (changes.integrationId !== undefined) set('integration_id', changes.integrationId);
      if (changes.connectorPrefix !== undefined) set('connector_prefix', changes.connectorPrefix);
      if (changes.connectorMap !== undefined) set('connector_map', JSON.stringify(changes.connectorMap));
      if (changes.syncIntervalSeconds !== undefined)
        set('sync_interval_seconds', changes.syncIntervalSeconds);
      if (changes.maxConcurrency !== undefined) set('max_concurrency', changes.maxConcurrency);
      if (changes.fullReloadMaxRows !== undefined) set('full_reload_max_rows', changes.fullReloadMaxRows);
      if (changes.reconcileIntervalSeconds !== undefined)
        set('reconcile_interval_seconds', changes.reconcileIntervalSeconds);
      if (changes.massDeletePercent !== undefined) set('mass_delete_percent', changes.massDeletePercent);
      const secret = credential
        ? secretOf(credential)
        : sameBinding(stored.binding, binding)
          ? undefined
          : this.tokens.open(stored).token;
      if (secret !== undefined) {
        const sealed = this.tokens.seal(secret, binding);
        set('token_sealed', sealed.sealed);
        set('token_key_id', sealed.keyId);
      }
      if (credential) {
        set('credential_kind', credential.kind);
        set('oauth_client_id', binding.oauthClientId);
      }
      if (secretExpiresOn !== undefined) set('secret_expires_on', secretExpiresOn);
      // A new credential or connection is the fix for a rejected one: syncs call AFAS again.
      if (credential || CONNECTION_SETTINGS.some((field) => changes[field] !== undefined))
        sets.push(`status = 'active'`, 'status_reason = NULL');
      sets.push('updated_at = now()');
      const result = await client.query<SourceRow>(
        `UPDATE ${this.table} SET ${sets.join(', ')} WHERE name = $1 RETURNING ${COLUMNS}`,
        [name, ...values],
      );
      return toRecord(result.rows[0] as SourceRow);
    });
  }
  async remove(name: string): Promise<void> {
    const result = await this.db.query(`DELETE FROM ${this.table} WHERE name = $1`, [name]);
    if (result.rowCount === 0) throw new SourceNotFoundError(name);
  }

  async markChecked(name: string, outcome: { ok: boolean; reason?: string }): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table}
          SET last_checked_at = now(),
              status = CASE WHEN $2 THEN 'active' ELSE 'needs_attention' END,
              status_reason = $3
        WHERE name = $1`,
      [name, outcome.ok, outcome.ok ? null : (outcome.reason ?? 'check failed')],
    );
  }

  async markNeedsAttention(name: string, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET status = 'needs_attention', status_reason = $2, updated_at = now() WHERE name = $1`,
      [name, reason],
    );
  }

  async markSuccess(name: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE ${this.table} SET last_success_at = $2 WHERE name = $1`, [name, at]);
  }

  /**
   * Re-seals every token with the current key in the current format (after a key rotation). A
   * token that no known key opens is left as it is and reported, so one bad row can't block the
   * rotation of the rest; a token rotated while this runs is kept.
   */
  resealAll(): Promise<ResealOutcome> {
    return this.tokens.resealAll();
  }

  /**
   * The upgrade run when the application opens with its key: reseals every v1 token (bound to
   * the source name only) as v2 (bound to environment and base URL too).
   */
  upgradeSealing(): Promise<ResealOutcome> {
    return this.tokens.resealAll(true);
  }
}
