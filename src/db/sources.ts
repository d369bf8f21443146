import type pg from 'pg';
import type { SecretKey } from '../config/index.js';
import { ident } from './pool.js';
import { CONNECTION_SETTINGS } from './source-status.js';
import { checkBaseUrl } from './source-validation.js';
import { openToken, sealToken } from './token-crypto.js';

export type EnvironmentType = 'production' | 'test' | 'accept';

/** A source as stored; never carries the token. */
export interface SourceRecord {
  name: string;
  environmentId: string;
  environmentType: EnvironmentType;
  baseUrl: string | null;
  integrationId: string | null;
  connectorPrefix: string;
  connectorMap: Record<string, string>;
  syncIntervalSeconds: number;
  maxConcurrency: number;
  status: 'active' | 'needs_attention';
  statusReason: string | null;
  lastCheckedAt: Date | null;
  lastSuccessAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  tokenKeyId: string;
}

export interface NewSource {
  name: string;
  environmentId: string;
  environmentType: EnvironmentType;
  baseUrl?: string | null;
  integrationId?: string | null;
  connectorPrefix?: string;
  connectorMap?: Record<string, string>;
  syncIntervalSeconds?: number;
  maxConcurrency?: number;
  token: string;
}

export class SourceNotFoundError extends Error {
  constructor(readonly source: string) {
    super(`unknown source "${source}" (list them with \`afas-sync source list\`)`);
    this.name = 'SourceNotFoundError';
  }
}

interface SourceRow {
  name: string;
  environment_id: string;
  environment_type: EnvironmentType;
  base_url: string | null;
  integration_id: string | null;
  connector_prefix: string;
  connector_map: Record<string, string>;
  sync_interval_seconds: number;
  max_concurrency: number;
  status: 'active' | 'needs_attention';
  status_reason: string | null;
  last_checked_at: Date | null;
  last_success_at: Date | null;
  created_at: Date;
  updated_at: Date;
  token_key_id: string;
}

const COLUMNS = `name, environment_id, environment_type, base_url, integration_id, connector_prefix, connector_map,
  sync_interval_seconds, max_concurrency, status, status_reason, last_checked_at, last_success_at, created_at,
  updated_at, token_key_id`;

function toRecord(row: SourceRow): SourceRecord {
  return {
    name: row.name,
    environmentId: row.environment_id,
    environmentType: row.environment_type,
    baseUrl: row.base_url,
    integrationId: row.integration_id,
    connectorPrefix: row.connector_prefix,
    connectorMap: row.connector_map,
    syncIntervalSeconds: row.sync_interval_seconds,
    maxConcurrency: row.max_concurrency,
    status: row.status,
    statusReason: row.status_reason,
    lastCheckedAt: row.last_checked_at,
    lastSuccessAt: row.last_success_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    tokenKeyId: row.token_key_id,
  };
}

/** Sources table access. Tokens go in sealed and come out only through `token()`. */
export class SourceStore {
  private readonly table: string;

  constructor(
    private readonly db: pg.Pool,
    schema: string,
    private readonly keys: { current: SecretKey | undefined; previous: readonly SecretKey[] },
  ) {
    this.table = `${ident(schema)}.sources`;
  }

  private currentKey(): SecretKey {
    if (!this.keys.current) throw new Error('AFAS_SYNC_SECRET_KEY is not set; it is needed to store a token');
    return this.keys.current;
  }

  async add(source: NewSource): Promise<SourceRecord> {
    const key = this.currentKey();
    if (source.baseUrl) checkBaseUrl(source.name, source.baseUrl);
    const result = await this.db.query<SourceRow>(
      `INSERT INTO ${this.table} (name, environment_id, environment_type, base_url, integration_id, connector_prefix,
         connector_map, sync_interval_seconds, max_concurrency, token_sealed, token_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING ${COLUMNS}`,
      [
        source.name,
        source.environmentId,
        source.environmentType,
        source.baseUrl ?? null,
        source.integrationId ?? null,
        source.connectorPrefix ?? 'Profit_',
        JSON.stringify(source.connectorMap ?? {}),
        source.syncIntervalSeconds ?? 900,
        source.maxConcurrency ?? 4,
        sealToken(source.token, key, source.name),
        key.id,
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

  /** Opens the sealed token; only activities that call AFAS use this. */
  async token(name: string): Promise<string> {
    const result = await this.db.query<{ token_sealed: string }>(
      `SELECT token_sealed FROM ${this.table} WHERE name = $1`,
      [name],
    );
    const row = result.rows[0];
    if (!row) throw new SourceNotFoundError(name);
    const keys = [...(this.keys.current ? [this.keys.current] : []), ...this.keys.previous];
    return openToken(row.token_sealed, keys, name);
  }

  async update(name: string, changes: Partial<Omit<NewSource, 'name'>>): Promise<SourceRecord> {
    const sets: string[] = [];
    const values: unknown[] = [];
    const set = (column: string, value: unknown) => {
      values.push(value);
      sets.push(`${column} = $${values.length + 1}`);
    };
    if (changes.environmentId !== undefined) set('environment_id', changes.environmentId);
    if (changes.environmentType !== undefined) set('environment_type', changes.environmentType);
    if (changes.baseUrl) checkBaseUrl(name, changes.baseUrl);
    if (changes.baseUrl !== undefined) set('base_url', changes.baseUrl);
    if (changes.integrationId !== undefined) set('integration_id', changes.integrationId);
    if (changes.connectorPrefix !== undefined) set('connector_prefix', changes.connectorPrefix);
    if (changes.connectorMap !== undefined) set('connector_map', JSON.stringify(changes.connectorMap));
    if (changes.syncIntervalSeconds !== undefined) set('sync_interval_seconds', changes.syncIntervalSeconds);
    if (changes.maxConcurrency !== undefined) set('max_concurrency', changes.maxConcurrency);
    if (changes.token !== undefined) {
      const key = this.currentKey();
      set('token_sealed', sealToken(changes.token, key, name));
      set('token_key_id', key.id);
    }
    // A new token or connection is the fix for a rejected one: syncs call AFAS again.
    if (changes.token !== undefined || CONNECTION_SETTINGS.some((field) => changes[field] !== undefined))
      sets.push(`status = 'active'`, 'status_reason = NULL');
    sets.push('updated_at = now()');
    const result = await this.db.query<SourceRow>(
      `UPDATE ${this.table} SET ${sets.join(', ')} WHERE name = $1 RETURNING ${COLUMNS}`,
      [name, ...values],
    );
    if (!result.rows[0]) throw new SourceNotFoundError(name);
    return toRecord(result.rows[0]);
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
   * Re-seals every token with the current key (after a key rotation). A token that no known key
   * opens is left as it is and reported, so one bad row can't block the rotation of the rest.
   */
  async resealAll(): Promise<{ resealed: string[]; failed: { source: string; reason: string }[] }> {
    const key = this.currentKey();
    const rows = await this.db.query<{ name: string; token_key_id: string }>(
      `SELECT name, token_key_id FROM ${this.table} ORDER BY name`,
    );
    const resealed: string[] = [];
    const failed: { source: string; reason: string }[] = [];
    for (const row of rows.rows) {
      if (row.token_key_id === key.id) continue;
      try {
        const token = await this.token(row.name);
        await this.db.query(`UPDATE ${this.table} SET token_sealed = $2, token_key_id = $3 WHERE name = $1`, [
          row.name,
          sealToken(token, key, row.name),
          key.id,
        ]);
        resealed.push(row.name);
      } catch (error) {
        failed.push({ source: row.name, reason: (error as Error).message });
      }
    }
    return { resealed, failed };
  }
}
