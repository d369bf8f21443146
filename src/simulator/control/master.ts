import { z } from 'zod';

import { findGetConnector } from '../connectors/catalog.js';
import { isMasterSource } from '../domain/simulator-data.js';
import { applyMasterChanges } from '../domain/master-changes.js';
import { ControlError } from '../errors.js';
import { readControlBody, type ControlCall } from './control-call.js';
import { stampFromInput } from './stamp.js';

const MasterChanges = z
  .object({
    upsert: z.array(z.record(z.string(), z.unknown())).optional(),
    delete: z.array(z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())])).optional(),
    /** Stamp the upserted rows' ModifiedDate with this wall time instead of now (debtors, creditors). */
    modified: z.string().optional(),
  })
  .strict();

const FinstackAdministrations = z.object({ ids: z.array(z.number().int().min(1)).nullable() }).strict();

/**
 * `POST /__sim/master/{connectorId}` `{upsert: [rows], delete: [keys], modified?}` on a
 * master-data connector; `modified` stamps the upserts' ModifiedDate (debtors and creditors).
 */
export async function handleMaster(call: ControlCall): Promise<void> {
  const connectorId = call.segments[1];
  if (call.method !== 'POST' || connectorId === undefined) {
    throw new ControlError(405, 'use POST /__sim/master/{connectorId}');
  }
  const connector = findGetConnector(connectorId);
  if (connector === undefined) throw new ControlError(404, `unknown connector '${connectorId}'`);
  if (!isMasterSource(connector.source)) {
    throw new ControlError(
      400,
      `${connectorId} is derived data; change journal lines via /__sim/journal-lines, Finstack administrations via /__sim/finstack-administrations`,
    );
  }
  const { modified, ...changes } = await readControlBody(call, MasterChanges);
  const result = applyMasterChanges(call.sim.data.master[connector.source], changes, call.sim.clock, {
    ...(modified === undefined ? {} : { modifiedAt: stampFromInput(modified, connectorId) }),
  });
  await call.response.sendJson(200, result);
}

/** `POST /__sim/finstack-administrations` `{ids: [1, 2] | null}` sets Finstack_Administrations' fixed filter. */
export async function handleFinstackAdministrations(call: ControlCall): Promise<void> {
  if (call.method === 'GET') {
    await call.response.sendJson(200, { ids: call.sim.data.finstackAdministrationIds() ?? null });
    return;
  }
  if (call.method !== 'POST') throw new ControlError(405, 'use GET or POST /__sim/finstack-administrations');
  const { ids } = await readControlBody(call, FinstackAdministrations);
  call.sim.data.setFinstackAdministrationIds(ids ?? undefined);
  await call.response.sendJson(200, { ids });
}
