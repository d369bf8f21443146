// What a source's status means for its syncs, and which settings clear it. Free of database
// code, so the CLI can use it without loading the driver.
import type { NewSource, SourceRecord } from './sources.js';

/**
 * The settings that say how AFAS is reached. Changing one of them, or the token, is the
 * operator's fix for a source that needs attention, so it clears that status.
 */
export const CONNECTION_SETTINGS = [
  'environmentId',
  'environmentType',
  'baseUrl',
  'allowInsecureHttp',
  'integrationId',
  'connectorPrefix',
  'connectorMap',
] as const satisfies readonly (keyof NewSource)[];

/**
 * Why syncs of a source are skipped, for the operator: its stored reason and the two commands
 * that clear it; null while the source is active.
 */
export function attentionMessage(
  source: Pick<SourceRecord, 'name' | 'status' | 'statusReason'>,
): string | null {
  if (source.status !== 'needs_attention') return null;
  return (
    `source needs attention: ${source.statusReason ?? 'no reason recorded'}; ` +
    `run \`afas-sync source test ${source.name}\` or \`afas-sync source update ${source.name}\``
  );
}
