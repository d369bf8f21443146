// A source as the `sources` table holds it, what a new source or a change carries, and the mapping
// of a row to a record. No database access here (see sources.ts).
import type { AfasCredential, CredentialKind } from '../afas/credentials.js';
import { SourceValidationError } from './source-validation.js';
import type { TokenBinding } from './token-crypto.js';

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
  /** Journal entries may be posted to AFAS (FiEntries); set only after AFAS showed the connector. */
  writeBack: boolean;
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
  /** Enable write-back (default off); the caller checks FiEntries with AFAS first. */
  writeBack?: boolean;
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
export function givenCredential(source: string, given: NewSourceCredential): AfasCredential | undefined {
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

export const clientIdOf = (credential: AfasCredential): string | null =>
  credential.kind === 'oauth' ? credential.clientId : null;

export interface SourceRow {
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
  write_back: boolean;
}

export const COLUMNS = `name, environment_id, environment_type, base_url, allow_insecure_http, integration_id, connector_prefix, connector_map,
  sync_interval_seconds, max_concurrency, full_reload_max_rows, reconcile_interval_seconds, mass_delete_percent,
  status, status_reason, last_checked_at, last_success_at, created_at, updated_at, token_key_id,
  credential_kind, oauth_client_id, secret_expires_on::text AS secret_expires_on, write_back`;

export function toRecord(row: SourceRow): SourceRecord {
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
    writeBack: row.write_back,
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
export function checkSecretExpiry(
  source: string,
  clientId: string | null,
  secretExpiresOn: string | null,
): void {
  if (secretExpiresOn !== null && clientId === null) {
    throw new SourceValidationError(
      `source ${source}: a secret expiry date is only for an OAuth client secret, and this source uses a classic token`,
    );
  }
}
