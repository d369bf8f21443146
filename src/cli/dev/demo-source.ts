// The `demo` source of `afas-sync dev`: the simulator, registered like any other source.
import type { OAuthClientCredentials } from '../../afas/credentials.js';
import type { AppContext } from '../../app/context.js';
import { ensureSchedule, type SyncTarget } from '../../client/sync-control.js';
import type { SourceRecord } from '../../db/sources.js';

export const DEMO_SOURCE = 'demo';

/**
 * Adds the demo source, or points the existing one at this run's simulator (its port changes
 * between runs) with this run's OAuth client secret freshly sealed, as `source add|update
 * --client-id … --client-secret-file …` store it (a demo source from before OAuth switches in
 * place); then brings its schedule in step. Idempotent.
 */
export async function registerDemoSource(
  app: AppContext,
  target: SyncTarget,
  baseUrl: string,
  client: OAuthClientCredentials,
): Promise<{ record: SourceRecord; created: boolean }> {
  const settings = {
    environmentId: '12345',
    environmentType: 'test' as const,
    baseUrl,
    integrationId: null,
    connectorPrefix: 'Profit_',
    connectorMap: {},
    credential: { kind: 'oauth' as const, ...client },
  };
  const existing = await app.sources.find(DEMO_SOURCE);
  const record = existing
    ? await app.sources.update(DEMO_SOURCE, settings)
    : await app.sources.add({ name: DEMO_SOURCE, ...settings });
  await ensureSchedule(target, record);
  return { record, created: !existing };
}
