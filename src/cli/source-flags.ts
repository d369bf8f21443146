// The connection flags `source add` and `source update` share, and their validation.
import { Option, type Command } from 'commander';
import { plainHttpRefusal } from '../afas/urls.js';
import { CONNECTION_SETTINGS } from '../db/source-status.js';
import type { SourceSettings } from '../db/sources.js';
import type { ConnectionSettings } from './afas-check.js';
import { CliUsageError } from './errors.js';
import {
  parseBaseUrl,
  parseConnectorMap,
  parseConnectorPrefix,
  parseEnvironmentId,
  parseEnvironmentType,
  parseFullReloadMaxRows,
  parseIntegrationId,
  parseInterval,
  parseMassDeletePercent,
  parseMaxConcurrency,
  parseReconcileInterval,
} from './parse.js';
import type { CredentialFlags } from './credential-input.js';

export interface SourceFlags extends CredentialFlags {
  envId?: string;
  envType?: string;
  /** false with --no-base-url (update only). */
  baseUrl?: string | false;
  allowInsecureHttp?: boolean;
  prefix?: string;
  connectorMap?: string[];
  interval?: string;
  maxConcurrency?: string;
  fullReloadMaxRows?: string;
  reconcileEvery?: string;
  massDeletePercent?: string;
  integrationId?: string | false;
  skipCheck?: boolean;
  paused?: boolean;
  /** true with --write-back, false with --no-write-back (update only). */
  writeBack?: boolean;
}

/** The settings the flags change; the credential flags are read apart (credential-input.ts). */
export type SourceChanges = Partial<Omit<SourceSettings, 'name' | 'secretExpiresOn'>>;

/** Adds the flags; `forUpdate` drops the defaults and adds the --no-… forms. */
export function addSourceFlags(command: Command, forUpdate: boolean): Command {
  const envId = new Option('--env-id <id>', 'AFAS participant number (digits), e.g. 12345');
  const envType = new Option('--env-type <type>', 'AFAS environment: production, test or accept');
  command
    .addOption(forUpdate ? envId : envId.makeOptionMandatory())
    .addOption(forUpdate ? envType : envType.makeOptionMandatory());
  command.option('--base-url <url>', 'AFAS REST base URL override (proxy, simulator); default AFAS Online');
  if (forUpdate) command.option('--no-base-url', 'go back to the AFAS Online URL of the environment');
  command.option(
    '--allow-insecure-http',
    'accept a plain http:// --base-url to a host other than this machine (the token travels unencrypted)',
  );
  command
    .option(
      '--prefix <prefix>',
      'connector id prefix (Profit_Accounts, …)',
      forUpdate ? undefined : 'Profit_',
    )
    .option(
      '--connector-map <dataset=ConnectorId...>',
      forUpdate
        ? 'connector ids per dataset, merged into the current map; dataset= removes an entry'
        : 'connector ids per dataset, overriding the prefix (e.g. administrations=Finstack_Administrations)',
    )
    .option(
      '--interval <duration>',
      'sync interval: 15m, 1h, 900s, … (at least 60s)',
      forUpdate ? undefined : '15m',
    )
    .option(
      '--max-concurrency <n>',
      'concurrent AFAS calls for this environment, 1 to 5',
      forUpdate ? undefined : '4',
    )
    .option(
      '--full-reload-max-rows <n>',
      'debtors/creditors holding at most this many rows are read whole every sync, so AFAS deletes show at once (default 20000)',
    )
    .option(
      '--reconcile-every <duration>',
      'larger ones are read whole (deletes marked) this often: 1h, 6h, … (default 1h)',
    )
    .option(
      '--mass-delete-percent <n>',
      'a sync may mark at most this share (1-100) of a dataset deleted; more fails it until `sync --allow-mass-delete` (default 50)',
    )
    .option('--integration-id <id>', 'IntegrationId header, {subscriptionNo}_{projectNo}');
  if (forUpdate) command.option('--no-integration-id', 'stop sending the IntegrationId header');
  command
    .option(
      '--token-file <path>',
      forUpdate ? 'rotate the token: read the new one from this file' : 'read the AFAS token from this file',
    )
    .option(
      '--token-stdin',
      forUpdate ? 'rotate the token: read the new one from stdin' : 'read the AFAS token from stdin',
    )
    .addOption(new Option('--token [token]', 'refused: tokens never go on the command line').hideHelp())
    .option(
      '--client-id <id>',
      forUpdate
        ? 'switch to (or change) the OAuth client, with its secret from --client-secret-file/--client-secret-stdin'
        : "the App connector's OAuth client id (instead of a classic token), with --client-secret-file/--client-secret-stdin",
    )
    .option(
      '--client-secret-file <path>',
      forUpdate
        ? "read the OAuth client secret from this file (alone: rotate the secret of the source's client)"
        : 'read the OAuth client secret from this file',
    )
    .option('--client-secret-stdin', 'read the OAuth client secret from stdin')
    .addOption(
      new Option('--client-secret [secret]', 'refused: secrets never go on the command line').hideHelp(),
    )
    .option(
      '--secret-expires <YYYY-MM-DD>',
      'the day the OAuth client secret expires, as AFAS shows it: list, show, status and metrics warn 30 days ahead',
    );
  if (forUpdate) command.option('--no-secret-expires', 'forget the expiry date of the client secret');
  command.option(
    '--write-back',
    'allow posting journal entries to AFAS (`afas-sync post`), after checking that the App connector offers the UpdateConnector FiEntries',
  );
  if (forUpdate) command.option('--no-write-back', 'stop write-back: the source only reads (no AFAS call)');
  return command.option(
    '--skip-check',
    'store even when the AFAS check fails (missing connectors, AFAS unreachable)',
  );
}

/** The validated values of the flags that were given. */
export function changesFromFlags(flags: SourceFlags): SourceChanges {
  const changes: SourceChanges = {};
  if (flags.envId !== undefined) changes.environmentId = parseEnvironmentId(flags.envId);
  if (flags.envType !== undefined) changes.environmentType = parseEnvironmentType(flags.envType);
  if (flags.baseUrl !== undefined)
    changes.baseUrl = flags.baseUrl === false ? null : parseBaseUrl(flags.baseUrl);
  if (flags.allowInsecureHttp === true) changes.allowInsecureHttp = true;
  if (flags.prefix !== undefined) changes.connectorPrefix = parseConnectorPrefix(flags.prefix);
  if (flags.connectorMap !== undefined) changes.connectorMap = parseConnectorMap(flags.connectorMap);
  if (flags.interval !== undefined) changes.syncIntervalSeconds = parseInterval(flags.interval);
  if (flags.maxConcurrency !== undefined) changes.maxConcurrency = parseMaxConcurrency(flags.maxConcurrency);
  if (flags.fullReloadMaxRows !== undefined)
    changes.fullReloadMaxRows = parseFullReloadMaxRows(flags.fullReloadMaxRows);
  if (flags.reconcileEvery !== undefined)
    changes.reconcileIntervalSeconds = parseReconcileInterval(flags.reconcileEvery);
  if (flags.massDeletePercent !== undefined)
    changes.massDeletePercent = parseMassDeletePercent(flags.massDeletePercent);
  if (flags.writeBack !== undefined) changes.writeBack = flags.writeBack;
  if (flags.integrationId !== undefined) {
    changes.integrationId = flags.integrationId === false ? null : parseIntegrationId(flags.integrationId);
  }
  return changes;
}

/** Fields that change what AFAS is asked, so the connector check runs again. */
export const CONNECTION_FIELDS: readonly (keyof SourceChanges)[] = CONNECTION_SETTINGS;

/** Fields the sealed token is bound to: changing one reseals it, which needs the secret key. */
export const BINDING_FIELDS: readonly (keyof SourceChanges)[] = [
  'environmentId',
  'environmentType',
  'baseUrl',
  'allowInsecureHttp',
];

/**
 * Refuses, before anything is read or stored, a plain http:// base URL to a host other than
 * loopback without --allow-insecure-http, and the flag where it means nothing (an https URL).
 */
export function checkTransport(settings: Pick<ConnectionSettings, 'baseUrl' | 'allowInsecureHttp'>): void {
  // parseBaseUrl checked a new URL's shape; a stored one that does not parse is the store's to refuse.
  if (settings.baseUrl !== null && !URL.canParse(settings.baseUrl)) return;
  const url = settings.baseUrl === null ? undefined : new URL(settings.baseUrl);
  if (settings.allowInsecureHttp && url?.protocol !== 'http:') {
    throw new CliUsageError(
      `--allow-insecure-http is only for an http:// --base-url; this source uses ${url ? `${url.origin}${url.pathname}` : 'AFAS Online over https'}`,
    );
  }
  const refusal = url && plainHttpRefusal(url, settings.allowInsecureHttp);
  if (refusal) throw new CliUsageError(`refused: ${refusal}`);
}

/** Merges a --connector-map update into the current map; `dataset=` removes an entry. */
export function mergeConnectorMap(
  current: Record<string, string>,
  given: Record<string, string>,
): Record<string, string> {
  const merged: Record<string, string> = { ...current };
  for (const [dataset, connector] of Object.entries(given)) {
    if (connector === '') delete merged[dataset];
    else merged[dataset] = connector;
  }
  return merged;
}
