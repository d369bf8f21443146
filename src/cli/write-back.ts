// Write-back (issue 19) is opt-in per source: what the source commands, `source test` and `post`
// say about it. Enabling it needs the App connector to offer the FiEntries UpdateConnector, the
// one afas-sync posts journal entries through (reference §6.3).
import { CliFailure, CliUsageError } from './errors.js';

export const WRITE_BACK_CONNECTOR = 'FiEntries';

/** Where in AFAS the operator adds FiEntries, in AFAS's terms (as for missing GetConnectors). */
export function writeBackHowTo(appName: string | null): string {
  return (
    `Add the UpdateConnector ${WRITE_BACK_CONNECTOR} to the App connector${appName ? ` "${appName}"` : ''} ` +
    'in AFAS Profit (General > Management > App connectors > UpdateConnectors): write-back posts journal ' +
    'entries through it.'
  );
}

/** Enabling is stored only after AFAS confirmed FiEntries, so it cannot skip that check. */
export function refuseUncheckedWriteBack(flags: { writeBack?: boolean; skipCheck?: boolean }): void {
  if (flags.writeBack === true && flags.skipCheck === true) {
    throw new CliUsageError(
      `--write-back cannot go with --skip-check: write-back is enabled only after AFAS shows that the App ` +
        `connector offers the UpdateConnector ${WRITE_BACK_CONNECTOR}`,
    );
  }
}

/** The failure of `source add|update` when write-back is (to be) on and AFAS does not offer FiEntries. */
export function writeBackNotOffered(name: string, verb: string, enabling: boolean): CliFailure {
  return new CliFailure(
    `source "${name}" not ${verb}: write-back needs the UpdateConnector ${WRITE_BACK_CONNECTOR}, which the App ` +
      `connector does not offer (add it in AFAS, or ${enabling ? 'leave out --write-back' : 'pass --no-write-back'})`,
  );
}

/** Why `source test` fails for a source that writes back when AFAS stopped offering FiEntries. */
export function writeBackLost(name: string): string {
  return (
    `write-back is enabled but the App connector no longer offers the UpdateConnector ${WRITE_BACK_CONNECTOR} ` +
    `(add it again in AFAS, or disable write-back with \`afas-sync source update ${name} --no-write-back\`)`
  );
}

/** `post` on a source that only reads: the reason and how to enable write-back. */
export function refuseReadOnlySource(source: { name: string; writeBack: boolean }): void {
  if (source.writeBack) return;
  throw new CliFailure(
    `source "${source.name}" has write-back off (a source only reads until write-back is enabled): ` +
      `enable it with \`afas-sync source update ${source.name} --write-back\`, which first checks that the App ` +
      `connector offers the UpdateConnector ${WRITE_BACK_CONNECTOR}`,
  );
}

/** The `source show` line. */
export function writeBackText(source: { name: string; writeBack: boolean }): string {
  return source.writeBack
    ? `enabled (journal entries may be posted through ${WRITE_BACK_CONNECTOR})`
    : `off (enable with \`afas-sync source update ${source.name} --write-back\`)`;
}
