// `afas-sync source …`: register, inspect, check, rotate and remove AFAS environments.
import type { Command } from 'commander';
import type { SourceRecord } from '../../db/sources.js';
import { credentialExpiry, type CredentialExpiry } from '../../observability/credential-expiry.js';
import type { CliRun } from '../context.js';
import { CliFailure } from '../errors.js';
import { formatAge, formatDuration, formatTime } from '../output.js';
import { parseSourceName } from '../parse.js';
import { addSourceFlags, type SourceFlags } from '../source-flags.js';
import { writeBackText } from '../write-back.js';
import { addSource, updateSource } from './source-write.js';
import { testSource } from './source-test.js';

const TOKEN_HELP = `
The credential is an OAuth client (--client-id with --client-secret-file or --client-secret-stdin;
AFAS retires classic tokens on 31 August 2027) or a classic token (--token-file or --token-stdin:
the <token>…</token> XML, its base64 form, or the bare data string). Secrets are read from a file
or stdin, never from the command line, and stored sealed with AFAS_SYNC_SECRET_KEY, bound to the
source's environment, base URL and OAuth client id. --secret-expires YYYY-MM-DD records when AFAS
says the client secret expires: list, show, status and the worker's metrics warn 30 days ahead.
A plain http:// --base-url is refused unless its host is this machine (127.0.0.0/8, ::1,
localhost) or --allow-insecure-http is given: the secret would cross the network unencrypted.`;

export function registerSource(program: Command, cli: CliRun): void {
  const source = program
    .command('source')
    .description('register and manage AFAS environments (sources)')
    .addHelpText(
      'after',
      `
Examples:
  $ afas-sync source add acme --env-id 12345 --env-type production \\
      --client-id ACME-SYNC --client-secret-file ./acme.secret --secret-expires 2027-06-30
  $ afas-sync source list
  $ afas-sync source test acme`,
    );

  addSourceFlags(
    source
      .command('add')
      .description('register a source: check it against AFAS, store its sealed token, create its schedule')
      .argument(
        '<name>',
        'source name: lower-case letters, digits, _ and - (not status, pause, resume, cancel or concurrency)',
      ),
    false,
  )
    .option('--paused', 'create the schedule paused (sync only by hand until `schedule --resume`)')
    .addHelpText(
      'after',
      `${TOKEN_HELP}
Before storing, the source is checked like the "Confirm" step of the AFAS setup: the credential
must be accepted and the App connector must hold every GetConnector afas-sync reads. Missing
connectors are listed and nothing is stored (exit 1) unless --skip-check is given. --write-back
(off by default: a source only reads) also needs the UpdateConnector FiEntries in the App
connector, and cannot go with --skip-check.

Examples:
  $ afas-sync source add acme --env-id 12345 --env-type production \\
      --client-id ACME-SYNC --client-secret-file ./acme.secret --secret-expires 2027-06-30
  $ afas-sync source add legacy --env-id 12345 --env-type production --token-file ./legacy.token
  $ op read op://vault/acme/token | afas-sync source add acme --env-id 12345 --env-type test \\
      --prefix Finstack_ --connector-map administrations=Finstack_Administrations --interval 1h --token-stdin`,
    )
    .action(async (name: string, flags: SourceFlags) => addSource(cli, name, flags));

  addSourceFlags(
    source
      .command('update')
      .description(
        "change a source's settings, rotate its secret or switch it to OAuth; its schedule follows",
      )
      .argument('<name>', 'source name'),
    true,
  )
    .addHelpText(
      'after',
      `${TOKEN_HELP}
Changes to the connection (environment, URL, prefix, connector map, credential) are checked
against AFAS first, like \`source add\`. A new credential or connection also clears a "needs
attention" status (while it is set, scheduled and manual syncs skip the source without calling
AFAS); other changes (interval, concurrency) leave it. Switching a classic-token source to OAuth
changes only its credential: watermarks, tables, import state, schedule and run history stay, and
the next sync is incremental. --client-secret-file alone rotates the secret of the source's OAuth
client (a new secret forgets the old one's expiry date unless --secret-expires is given again).
--write-back checks first that the App connector offers the UpdateConnector FiEntries (nothing is
stored when not); --no-write-back needs no AFAS call. While write-back is on, a new credential or
connection must offer FiEntries too.

Examples:
  $ afas-sync source update acme --client-id ACME-SYNC --client-secret-file ./acme.secret
  $ afas-sync source update acme --client-secret-file ./acme-rotated.secret --secret-expires 2028-06-30
  $ afas-sync source update legacy --token-file ./legacy-new.token
  $ afas-sync source update acme --interval 30m --max-concurrency 2
  $ afas-sync source update acme --full-reload-max-rows 50000 --reconcile-every 6h --mass-delete-percent 30
  $ afas-sync source update acme --connector-map journal_lines=Profit_Transactions_2
  $ afas-sync source update acme --write-back
  $ afas-sync source update acme --no-write-back`,
    )
    .action(async (name: string, flags: SourceFlags) => updateSource(cli, name, flags));

  source
    .command('list')
    .description('list the sources')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ afas-sync source list\n  $ afas-sync source list --json')
    .action(async (options: { json?: boolean }) => {
      const sources = (await (await cli.ctx.app()).sources.list()).map((record) => ({
        ...record,
        credential: credentialExpiry(record),
      }));
      if (options.json) cli.out.json(sources);
      else if (sources.length === 0) cli.out.line('no sources yet (add one with `afas-sync source add`)');
      else printSourceTable(cli, sources);
      if (!options.json) warnCredentials(cli, sources);
    });

  source
    .command('show')
    .description("one source's settings (never its token)")
    .argument('<name>', 'source name')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ afas-sync source show acme\n  $ afas-sync source show acme --json',
    )
    .action(async (name: string, options: { json?: boolean }) => {
      const record = await cli.ctx.source(parseSourceName(name));
      const { requiredConnectorIds } = await import('../../catalog/index.js');
      const requiredConnectors = requiredConnectorIds(record);
      const credential = credentialExpiry(record);
      if (options.json) cli.out.json({ ...record, credential, requiredConnectors });
      else {
        printSource(cli, record, credential, requiredConnectors);
        warnCredentials(cli, [{ ...record, credential }]);
      }
    });

  source
    .command('test')
    .description('check a source against AFAS now: token, environment, App connector, connectors')
    .argument('<name>', 'source name')
    .addHelpText(
      'after',
      `
Calls AFAS metainfo with the stored token and compares the App connector's GetConnectors with
what afas-sync needs. Records the outcome on the source: a passing test clears "needs
attention" (its syncs run again); AFAS refusing the token or missing connectors set it; an
unreachable AFAS changes nothing. It also reports write-back: enabled with the UpdateConnector
FiEntries offered, enabled but FiEntries no longer offered (a failure; syncs go on), or not
enabled. Exit code 1 when the check fails.

Examples:
  $ afas-sync source test acme`,
    )
    .action(async (name: string) => testSource(cli, parseSourceName(name)));

  source
    .command('remove')
    .description('remove a source: cancel its running sync, delete its schedule and its row')
    .argument('<name>', 'source name')
    .addHelpText(
      'after',
      `
Rows already synced into the dataset tables stay (filter them by _source); the run log of the
source is deleted with it.

Examples:
  $ afas-sync source remove acme`,
    )
    .action(async (name: string) => removeSource(cli, parseSourceName(name)));

  source
    .command('reseal')
    .description('re-seal every stored token with the current AFAS_SYNC_SECRET_KEY (after a key rotation)')
    .addHelpText(
      'after',
      `
Key rotation: set the new key as AFAS_SYNC_SECRET_KEY and the old one in
AFAS_SYNC_PREVIOUS_SECRET_KEYS (comma-separated), run this, then drop the old key.
Exit code 1 when a token could not be opened with any known key.

Examples:
  $ AFAS_SYNC_SECRET_KEY=$NEW AFAS_SYNC_PREVIOUS_SECRET_KEYS=$OLD afas-sync source reseal`,
    )
    .action(async () => resealSources(cli));
}

type ListedSource = SourceRecord & { credential: CredentialExpiry };

/** A note on stderr per OAuth secret that expires within 30 days or expired (with the fix). */
function warnCredentials(cli: CliRun, sources: readonly ListedSource[]): void {
  for (const source of sources)
    if (source.credential.warning)
      cli.out.note(`warning: source "${source.name}": ${source.credential.warning}`);
}

function printSourceTable(cli: CliRun, sources: readonly ListedSource[]): void {
  cli.out.table(
    [
      { header: 'name', value: (row: ListedSource) => row.name },
      { header: 'environment', value: (row) => `${row.environmentId} ${row.environmentType}` },
      { header: 'url', value: (row) => row.baseUrl ?? 'AFAS Online' },
      { header: 'every', value: (row) => formatDuration(row.syncIntervalSeconds), align: 'right' },
      { header: 'status', value: (row) => row.status },
      { header: 'write-back', value: (row) => (row.writeBack ? 'on' : 'off') },
      { header: 'last success', value: (row) => formatAge(row.lastSuccessAt) },
      { header: 'credential', value: (row) => row.credential.text },
    ],
    sources,
  );
}

function printSource(
  cli: CliRun,
  record: SourceRecord,
  credential: CredentialExpiry,
  requiredConnectors: readonly string[],
): void {
  const map = Object.entries(record.connectorMap);
  cli.out.fields([
    ['name', record.name],
    ['environment', `${record.environmentId} (${record.environmentType})`],
    [
      'base url',
      `${record.baseUrl ?? 'AFAS Online (default)'}${record.allowInsecureHttp ? ' (plain http allowed: --allow-insecure-http)' : ''}`,
    ],
    ['integration id', record.integrationId ?? '-'],
    ['prefix', record.connectorPrefix],
    ['connector map', map.length ? map.map(([dataset, id]) => `${dataset}=${id}`).join(', ') : '-'],
    ['connectors', requiredConnectors.join(', ')],
    ['interval', formatDuration(record.syncIntervalSeconds)],
    ['max concurrency', String(record.maxConcurrency)],
    [
      'deletes',
      `debtors/creditors up to ${record.fullReloadMaxRows} rows read whole every sync, larger ones every ` +
        `${formatDuration(record.reconcileIntervalSeconds)}; a sync marks at most ${record.massDeletePercent}% ` +
        'of a dataset deleted without --allow-mass-delete',
    ],
    ['write-back', writeBackText(record)],
    ['status', `${record.status}${record.statusReason ? `: ${record.statusReason}` : ''}`],
    ['last checked', `${formatTime(record.lastCheckedAt)} (${formatAge(record.lastCheckedAt)})`],
    ['last success', `${formatTime(record.lastSuccessAt)} (${formatAge(record.lastSuccessAt)})`],
    ['credential', credential.text],
    [record.oauthClientId === null ? 'token' : 'client secret', `sealed with key ${record.tokenKeyId}`],
    ['created', formatTime(record.createdAt)],
    ['updated', formatTime(record.updatedAt)],
  ]);
}

async function removeSource(cli: CliRun, name: string): Promise<void> {
  const app = await cli.ctx.app();
  await app.sources.get(name);
  const target = await cli.ctx.temporal();
  const [{ deleteSchedule }, { syncWorkflowId }, { WorkflowNotFoundError }] = await Promise.all([
    import('../../client/sync-control.js'),
    import('../../workflows/definitions.js'),
    import('@temporalio/client'),
  ]);
  await deleteSchedule(target, name);
  const handle = target.client.workflow.getHandle(syncWorkflowId(name));
  const running = await handle
    .describe()
    .then((description) => description.status.name === 'RUNNING')
    .catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    });
  if (running) await handle.cancel();
  await app.sources.remove(name);
  cli.out.line(
    `source "${name}" removed${running ? ' (its running sync was cancelled)' : ''}; schedule deleted`,
  );
  cli.out.note(`rows already synced stay in schema ${app.schema} (filter them by _source = '${name}')`);
}

async function resealSources(cli: CliRun): Promise<void> {
  const key = cli.ctx.requireSecretKey();
  const app = await cli.ctx.app();
  const rotated = await app.sources.resealAll();
  // Opening the application already resealed the v1 tokens (with this key): they count as done here.
  const result = {
    ...rotated,
    resealed: [...(app.tokenUpgrade?.resealed ?? []), ...rotated.resealed].sort(),
  };
  if (result.resealed.length > 0)
    cli.out.line(
      `re-sealed ${result.resealed.length} token(s) with key ${key.id}: ${result.resealed.join(', ')}`,
    );
  else if (result.failed.length === 0) cli.out.line(`every token is already sealed with key ${key.id}`);
  for (const failure of result.failed)
    cli.out.line(`could not re-seal "${failure.source}": ${failure.reason}`);
  if (result.failed.length > 0) {
    throw new CliFailure(
      `${result.failed.length} token(s) not re-sealed: set the key that sealed them in AFAS_SYNC_PREVIOUS_SECRET_KEYS`,
    );
  }
}
