// `source add` and `source update`: validate like AFAS's "Confirm" step, store the sealed credential
// (a classic token or an OAuth client secret), and keep the source's Temporal Schedule in step.
import type { AfasCredential } from '../../afas/credentials.js';
import type { SourceRecord } from '../../db/sources.js';
import type { ConnectionSettings } from '../afas-check.js';
import type { CliRun } from '../context.js';
import { CliFailure, CliUsageError } from '../errors.js';
import { formatDuration } from '../output.js';
import { parseNewSourceName, parseSourceName } from '../parse.js';
import {
  BINDING_FIELDS,
  CONNECTION_FIELDS,
  changesFromFlags,
  checkTransport,
  mergeConnectorMap,
  type SourceFlags,
} from '../source-flags.js';
import { checkCredentialFlags, type CredentialPlan } from '../credential-input.js';
import { refuseUncheckedWriteBack, WRITE_BACK_CONNECTOR, writeBackNotOffered } from '../write-back.js';

const FLAG_OF: Record<string, string> = {
  environmentId: 'env-id',
  environmentType: 'env-type',
  baseUrl: 'base-url',
  allowInsecureHttp: 'allow-insecure-http',
  integrationId: 'integration-id',
  connectorPrefix: 'prefix',
  connectorMap: 'connector-map',
  syncIntervalSeconds: 'interval',
  maxConcurrency: 'max-concurrency',
  fullReloadMaxRows: 'full-reload-max-rows',
  reconcileIntervalSeconds: 'reconcile-every',
  massDeletePercent: 'mass-delete-percent',
};

/** What the source will hold after the command: write-back on, and whether this command turns it on. */
interface WriteBackPlan {
  on: boolean;
  enabling: boolean;
}

/**
 * Runs the connector check and prints it; a failed check stops the command (unless --skip-check).
 * With write-back on, the App connector must also offer FiEntries.
 */
async function confirm(
  cli: CliRun,
  name: string,
  settings: ConnectionSettings,
  credential: AfasCredential,
  verb: string,
  writeBack: WriteBackPlan,
): Promise<void> {
  const { checkConnectors, printCheck } = await import('../afas-check.js');
  const check = await checkConnectors(settings, credential, `source "${name}"`);
  printCheck(cli.out, check, settings, writeBack.on);
  if (!check.ok) {
    throw new CliFailure(
      `source "${name}" not ${verb}: the App connector lacks ${check.missing.length} required GetConnector(s) ` +
        '(add them in AFAS, or pass --skip-check to store it anyway)',
    );
  }
  if (writeBack.on && !check.writeBackOffered) throw writeBackNotOffered(name, verb, writeBack.enabling);
}

const writeBackNote = (record: SourceRecord) =>
  record.writeBack ? `; write-back enabled (${WRITE_BACK_CONNECTOR})` : '';

function scheduleText(record: SourceRecord, paused: boolean): string {
  return `syncs every ${formatDuration(record.syncIntervalSeconds)}${paused ? ' (schedule paused)' : ''}`;
}

/** What the sealed secret is, for the line that confirms a change. */
function sealedText(record: SourceRecord): string {
  return record.oauthClientId === null
    ? `token sealed with key ${record.tokenKeyId}`
    : `OAuth client ${record.oauthClientId}, secret sealed with key ${record.tokenKeyId}`;
}

/** How the credential changed, for the list of changed settings. */
function credentialChange(current: SourceRecord, next: AfasCredential): string {
  if (next.kind === 'token')
    return current.oauthClientId === null ? 'token' : 'credential: OAuth client → classic token';
  if (current.oauthClientId === null) return `credential: classic token → OAuth client ${next.clientId}`;
  return current.oauthClientId === next.clientId ? 'client secret' : `OAuth client ${next.clientId}`;
}

export async function addSource(cli: CliRun, rawName: string, flags: SourceFlags): Promise<void> {
  const plan = checkCredentialFlags(flags, true);
  refuseUncheckedWriteBack(flags);
  const name = parseNewSourceName(rawName);
  const changes = changesFromFlags(flags);
  const settings: ConnectionSettings = {
    environmentId: changes.environmentId ?? '',
    environmentType: changes.environmentType ?? 'production',
    baseUrl: changes.baseUrl ?? null,
    allowInsecureHttp: changes.allowInsecureHttp ?? false,
    integrationId: changes.integrationId ?? null,
    connectorPrefix: changes.connectorPrefix ?? 'Profit_',
    connectorMap: mergeConnectorMap({}, changes.connectorMap ?? {}),
  };
  checkTransport(settings);
  cli.ctx.requireSecretKey();
  const { readCredential } = await import('../credential-input.js');
  const credential = (await readCredential(flags, plan, undefined)) as AfasCredential;
  const app = await cli.ctx.app();
  if (await app.sources.find(name)) {
    throw new CliFailure(
      `source "${name}" already exists; change it with \`afas-sync source update ${name}\``,
    );
  }
  if (flags.skipCheck) cli.out.note('note: --skip-check: storing the source without asking AFAS');
  else {
    const writeBack = changes.writeBack === true;
    await confirm(cli, name, settings, credential, 'stored', { on: writeBack, enabling: writeBack });
  }
  const target = await cli.ctx.temporal();
  const { ensureSchedule } = await import('../../client/sync-control.js');
  let record: SourceRecord;
  try {
    record = await app.sources.add({
      name,
      ...changes,
      ...settings,
      credential,
      secretExpiresOn: plan.secretExpiresOn ?? null,
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505')
      throw new CliFailure(`source "${name}" already exists`);
    throw error;
  }
  try {
    await ensureSchedule(target, record, { paused: flags.paused === true });
  } catch (error) {
    // No half-registered source: without its schedule the row goes again.
    await app.sources.remove(name).catch(() => undefined);
    throw error;
  }
  cli.out.line(
    `source "${name}" added (${sealedText(record)}); ${scheduleText(record, flags.paused === true)}` +
      writeBackNote(record),
  );
  cli.out.line(`start a sync now with \`afas-sync sync ${name} --wait\``);
}

export async function updateSource(cli: CliRun, rawName: string, flags: SourceFlags): Promise<void> {
  const plan = checkCredentialFlags(flags, false);
  refuseUncheckedWriteBack(flags);
  const name = parseSourceName(rawName);
  if (flags.paused !== undefined)
    throw new CliUsageError('use `afas-sync schedule <source> --pause|--resume` to pause or resume');
  const changes = changesFromFlags(flags);
  const rotating = plan.kind !== undefined;
  if (Object.keys(changes).length === 0 && !rotating && plan.secretExpiresOn === undefined) {
    throw new CliUsageError(
      'nothing to update: pass at least one option (see `afas-sync source update --help`)',
    );
  }
  // A new token is sealed, and a new environment or URL reseals the stored one: both need the key.
  if (rotating || BINDING_FIELDS.some((field) => changes[field] !== undefined)) cli.ctx.requireSecretKey();
  const app = await cli.ctx.app();
  const current = await app.sources.get(name);
  checkExpiryTarget(name, current, plan);
  const { readCredential } = await import('../credential-input.js');
  const credential = await readCredential(flags, plan, current);
  if (changes.connectorMap)
    changes.connectorMap = mergeConnectorMap(current.connectorMap, changes.connectorMap);
  const settings: ConnectionSettings = {
    environmentId: changes.environmentId ?? current.environmentId,
    environmentType: changes.environmentType ?? current.environmentType,
    baseUrl: changes.baseUrl === undefined ? current.baseUrl : changes.baseUrl,
    // The allowance belongs to the URL it was given with (the store clears it on a new URL too).
    allowInsecureHttp:
      changes.allowInsecureHttp ?? (changes.baseUrl === undefined ? current.allowInsecureHttp : false),
    integrationId: changes.integrationId === undefined ? current.integrationId : changes.integrationId,
    connectorPrefix: changes.connectorPrefix ?? current.connectorPrefix,
    connectorMap: changes.connectorMap ?? current.connectorMap,
  };
  checkTransport(settings);
  // Turning write-back on asks AFAS even when nothing else changes; turning it off never does.
  const writeBack = { on: changes.writeBack ?? current.writeBack, enabling: changes.writeBack === true };
  const recheck =
    rotating || writeBack.enabling || CONNECTION_FIELDS.some((field) => changes[field] !== undefined);
  if (recheck && !flags.skipCheck) {
    if (!credential) cli.ctx.requireSecretKey();
    await confirm(
      cli,
      name,
      settings,
      credential ?? (await app.sources.credential(name)).credential,
      'updated',
      writeBack,
    );
  }
  const target = await cli.ctx.temporal();
  const { ensureSchedule } = await import('../../client/sync-control.js');
  // Only the source row changes: watermarks, tables, import state and runs stay with its name.
  const updated = await app.sources.update(name, {
    ...changes,
    ...(credential ? { credential } : {}),
    ...(plan.secretExpiresOn === undefined ? {} : { secretExpiresOn: plan.secretExpiresOn }),
  });
  await ensureSchedule(target, updated);
  const changed = [
    ...Object.keys(changes).map((field) =>
      field === 'writeBack'
        ? `write-back ${updated.writeBack ? 'enabled' : 'disabled'}`
        : (FLAG_OF[field] ?? field),
    ),
    ...(credential ? [credentialChange(current, credential)] : []),
    ...(plan.secretExpiresOn === undefined ? [] : ['secret-expires']),
  ];
  cli.out.line(
    `source "${name}" updated (${changed.join(', ')}); schedule set to every ${formatDuration(updated.syncIntervalSeconds)}`,
  );
  if (updated.status === 'needs_attention') {
    cli.out.note(
      `note: source "${name}" still needs attention (${updated.statusReason ?? 'no reason recorded'}); its syncs ` +
        `stay skipped until \`afas-sync source test ${name}\` passes or an update changes its token or connection`,
    );
  }
}

/** An expiry date alone belongs to the source's OAuth client secret: a classic token has none. */
function checkExpiryTarget(name: string, current: SourceRecord, plan: CredentialPlan): void {
  if (plan.kind !== undefined || plan.secretExpiresOn === undefined || current.oauthClientId !== null) return;
  throw new CliUsageError(
    `source "${name}" uses a classic token: --secret-expires is for an OAuth client secret (switch it with ` +
      `\`afas-sync source update ${name} --client-id ID --client-secret-file PATH --secret-expires YYYY-MM-DD\`)`,
  );
}
