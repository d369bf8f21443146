// The connection flags `source add` and `source update` share, and their validation.
import { Option, type Command } from 'commander';
import { CONNECTION_SETTINGS } from '../db/source-status.js';
import type { NewSource } from '../db/sources.js';
import {
  parseBaseUrl,
  parseConnectorMap,
  parseConnectorPrefix,
  parseEnvironmentId,
  parseEnvironmentType,
  parseIntegrationId,
  parseInterval,
  parseMaxConcurrency,
} from './parse.js';
import type { TokenFlags } from './token-input.js';

export interface SourceFlags extends TokenFlags {
  envId?: string;
  envType?: string;
  /** false with --no-base-url (update only). */
  baseUrl?: string | false;
  prefix?: string;
  connectorMap?: string[];
  interval?: string;
  maxConcurrency?: string;
  integrationId?: string | false;
  skipCheck?: boolean;
  paused?: boolean;
}

export type SourceChanges = Partial<Omit<NewSource, 'name' | 'token'>>;

/** Adds the flags; `forUpdate` drops the defaults and adds the --no-… forms. */
export function addSourceFlags(command: Command, forUpdate: boolean): Command {
  const envId = new Option('--env-id <id>', 'AFAS participant number (digits), e.g. 12345');
  const envType = new Option('--env-type <type>', 'AFAS environment: production, test or accept');
  command
    .addOption(forUpdate ? envId : envId.makeOptionMandatory())
    .addOption(forUpdate ? envType : envType.makeOptionMandatory());
  command.option('--base-url <url>', 'AFAS REST base URL override (proxy, simulator); default AFAS Online');
  if (forUpdate) command.option('--no-base-url', 'go back to the AFAS Online URL of the environment');
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
    .option('--integration-id <id>', 'IntegrationId header, {subscriptionNo}_{projectNo}');
  if (forUpdate) command.option('--no-integration-id', 'stop sending the IntegrationId header');
  return command
    .option(
      '--token-file <path>',
      forUpdate ? 'rotate the token: read the new one from this file' : 'read the AFAS token from this file',
    )
    .option(
      '--token-stdin',
      forUpdate ? 'rotate the token: read the new one from stdin' : 'read the AFAS token from stdin',
    )
    .addOption(new Option('--token [token]', 'refused: tokens never go on the command line').hideHelp())
    .option('--skip-check', 'store even when the AFAS check fails (missing connectors, AFAS unreachable)');
}

/** The validated values of the flags that were given. */
export function changesFromFlags(flags: SourceFlags): SourceChanges {
  const changes: SourceChanges = {};
  if (flags.envId !== undefined) changes.environmentId = parseEnvironmentId(flags.envId);
  if (flags.envType !== undefined) changes.environmentType = parseEnvironmentType(flags.envType);
  if (flags.baseUrl !== undefined)
    changes.baseUrl = flags.baseUrl === false ? null : parseBaseUrl(flags.baseUrl);
  if (flags.prefix !== undefined) changes.connectorPrefix = parseConnectorPrefix(flags.prefix);
  if (flags.connectorMap !== undefined) changes.connectorMap = parseConnectorMap(flags.connectorMap);
  if (flags.interval !== undefined) changes.syncIntervalSeconds = parseInterval(flags.interval);
  if (flags.maxConcurrency !== undefined) changes.maxConcurrency = parseMaxConcurrency(flags.maxConcurrency);
  if (flags.integrationId !== undefined) {
    changes.integrationId = flags.integrationId === false ? null : parseIntegrationId(flags.integrationId);
  }
  return changes;
}

/** Fields that change what AFAS is asked, so the connector check runs again. */
export const CONNECTION_FIELDS: readonly (keyof SourceChanges)[] = CONNECTION_SETTINGS;

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
