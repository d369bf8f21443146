// The "Confirm" step of the AFAS setup, run from the CLI: is the credential accepted (the classic
// token, or the OAuth client at the token endpoint and its access token), and does the App
// connector hold every GetConnector the catalog needs? Talks to AFAS directly (source add/test).
import {
  AfasClient,
  AfasError,
  AfasUsageError,
  authOptions,
  classifyAfasError,
  type AfasCredential,
} from '../afas/index.js';
import { changedDaysConnectorId, connectorIdFor, DATASETS, requiredConnectorIds } from '../catalog/index.js';
import type { SourceRecord } from '../db/sources.js';
import { CliFailure, CliUsageError } from './errors.js';
import type { Output } from './output.js';
import { WRITE_BACK_CONNECTOR, writeBackHowTo } from './write-back.js';

/** Where and how a source reaches AFAS: the connection part of its record. */
export type ConnectionSettings = Pick<
  SourceRecord,
  | 'environmentId'
  | 'environmentType'
  | 'baseUrl'
  | 'allowInsecureHttp'
  | 'integrationId'
  | 'connectorPrefix'
  | 'connectorMap'
>;

/** AFAS answered the check with an error; `rejected` when it refused the token or connector (401/403). */
export class AfasCheckError extends CliFailure {
  constructor(
    message: string,
    readonly rejected: boolean,
  ) {
    super(message);
  }
}

export interface ConnectorCheck {
  ok: boolean;
  baseUrl: string;
  environment: string | null;
  appName: string | null;
  required: string[];
  present: string[];
  missing: string[];
  /** The App connector offers FiEntries among its UpdateConnectors (what write-back posts through). */
  writeBackOffered: boolean;
}

/** Calls AFAS metainfo and compares it with the catalog. AFAS errors become one-line failures. */
export async function checkConnectors(
  settings: ConnectionSettings,
  credential: AfasCredential,
  what: string,
): Promise<ConnectorCheck> {
  let client: AfasClient;
  try {
    client = new AfasClient({
      environmentId: settings.environmentId,
      environmentType: settings.environmentType,
      ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
      allowInsecureHttp: settings.allowInsecureHttp,
      ...(settings.integrationId ? { integrationId: settings.integrationId } : {}),
      ...authOptions(credential),
      requestTimeoutMs: 30_000,
      connections: 1,
    });
  } catch (error) {
    if (error instanceof AfasUsageError) throw new CliUsageError(error.message);
    throw error;
  }
  try {
    const meta = await client.metainfo();
    const present = new Set(meta.getConnectors.map((connector) => connector.id));
    const required = requiredConnectorIds(settings);
    return {
      ok: required.every((id) => present.has(id)),
      baseUrl: client.baseUrl,
      environment: meta.info?.envid ?? null,
      appName: meta.info?.appName ?? null,
      required,
      present: required.filter((id) => present.has(id)),
      missing: required.filter((id) => !present.has(id)),
      writeBackOffered: meta.updateConnectors.some((connector) => connector.id === WRITE_BACK_CONNECTOR),
    };
  } catch (error) {
    // AfasError messages are built redacted: they never hold the token, client secret or access token.
    if (error instanceof AfasError) {
      throw new AfasCheckError(
        `AFAS check of ${what} failed: ${error.message}`,
        classifyAfasError(error).class === 'auth',
      );
    }
    throw error;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Which dataset each required connector serves (for --connector-map hints). */
function datasetsByConnector(settings: ConnectionSettings): Map<string, string> {
  const byConnector = new Map<string, string>();
  for (const definition of DATASETS) {
    byConnector.set(connectorIdFor(definition, settings), definition.name);
    if (definition.strategy === 'changed-days')
      byConnector.set(changedDaysConnectorId(definition, settings), `${definition.name}.changed_days`);
  }
  return byConnector;
}

/** Prints the check; with `writeBack` (the source writes back) also whether FiEntries is offered. */
export function printCheck(
  out: Output,
  check: ConnectorCheck,
  settings: ConnectionSettings,
  writeBack = false,
): void {
  out.fields([
    ['AFAS', check.baseUrl],
    ['environment', check.environment ?? '-'],
    ['App connector', check.appName ?? '-'],
    ['connectors', `${check.present.length} of ${check.required.length} required GetConnectors present`],
    ...(writeBack
      ? [
          [
            'write-back',
            `UpdateConnector ${WRITE_BACK_CONNECTOR} ${check.writeBackOffered ? 'offered' : 'NOT offered'}`,
          ] as const,
        ]
      : []),
  ]);
  if (writeBack && !check.writeBackOffered) out.line(writeBackHowTo(check.appName));
  if (check.ok) return;
  const datasets = datasetsByConnector(settings);
  out.line('missing GetConnectors:');
  for (const id of check.missing) out.line(`  ${id}  (dataset ${datasets.get(id) ?? '?'})`);
  out.line(
    `Add them to the App connector${check.appName ? ` "${check.appName}"` : ''} in AFAS Profit ` +
      '(General > Management > App connectors > GetConnectors), or point a dataset at another connector ' +
      'with --connector-map dataset=ConnectorId.',
  );
}
