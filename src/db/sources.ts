import type pg from 'pg';
import type { SecretKey } from '../config/index.js';
import { ident, inTransaction } from './pool.js';
import {
  checkSecretExpiry,
  clientIdOf,
  COLUMNS,
  DEFAULT_FULL_RELOAD_MAX_ROWS,
  DEFAULT_MASS_DELETE_PERCENT,
  DEFAULT_RECONCILE_INTERVAL_SECONDS,
  givenCredential,
  secretOf,
  toRecord,
  type SourceChanges,
  type SourceRecord,
  type SourceRow,
  type NewSource,
} from './source-record.js';
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
export {
  bindingOf,
  DEFAULT_FULL_RELOAD_MAX_ROWS,
  DEFAULT_MASS_DELETE_PERCENT,
  DEFAULT_RECONCILE_INTERVAL_SECONDS,
  secretOf,
  type EnvironmentType,
  type NewSource,
  type NewSourceCredential,
  type SourceChanges,
  type SourceRecord,
  type SourceSettings,
} from './source-record.js';

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
         credential_kind, oauth_client_id, secret_expires_on, write_back)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
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
        source.writeBack ?? false,
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
      if (changes.writeBack !== undefined) set('write_back', changes.writeBack);
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
