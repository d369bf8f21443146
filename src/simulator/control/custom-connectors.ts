import { z } from 'zod';

import { findGetConnector } from '../connectors/catalog.js';
import { ControlError } from '../errors.js';
import { customConnector } from '../store/custom-connectors.js';
import { readControlBody, type ControlCall } from './control-call.js';

const MAX_FIELDS = 500;

const CustomConnectorInput = z
  .object({
    id: z.string().min(1).max(200),
    description: z.string().optional(),
    fields: z
      .array(
        z
          .object({
            id: z.string().min(1),
            dataType: z.enum(['string', 'int', 'decimal', 'date', 'boolean']),
            decimals: z.number().int().min(0).max(30).optional(),
            label: z.string().optional(),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_FIELDS),
    // A row is a JSON object, or a string holding one row's JSON text, served byte for byte (exact
    // number literals, `\ud800` escapes: what a JSON object in this body cannot carry).
    rows: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])),
  })
  .strict();

function rowText(row: string | Record<string, unknown>, index: number): [string, Record<string, unknown>] {
  if (typeof row !== 'string') return [JSON.stringify(row), row];
  let parsed: unknown;
  try {
    parsed = JSON.parse(row);
  } catch {
    throw new ControlError(400, `rows[${index}] is not valid JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ControlError(400, `rows[${index}] is not a JSON object`);
  }
  return [row, parsed as Record<string, unknown>];
}

/**
 * `POST /__sim/custom-connectors` `{id, description?, fields: [{id, dataType, decimals?, label?}],
 * rows}` registers (or replaces) a GetConnector; `GET` lists them; `DELETE` removes all, `DELETE
 * /__sim/custom-connectors/{id}` one.
 */
export async function handleCustomConnectors(call: ControlCall): Promise<void> {
  const registry = call.sim.customConnectors;
  const id = call.segments[1];
  if (id !== undefined) {
    if (call.method !== 'DELETE') throw new ControlError(405, 'use DELETE /__sim/custom-connectors/{id}');
    if (!registry.remove(id)) throw new ControlError(404, `no custom connector '${id}'`);
    await call.response.sendJson(200, { removed: 1 });
    return;
  }
  switch (call.method) {
    case 'GET':
      await call.response.sendJson(200, {
        connectors: registry.list().map((connector) => ({
          id: connector.id,
          fields: connector.fields.map((field) => ({ id: field.id, dataType: field.dataType })),
          rows: connector.rowTexts.length,
        })),
      });
      return;
    case 'POST': {
      const input = await readControlBody(call, CustomConnectorInput);
      if (findGetConnector(input.id) !== undefined) {
        throw new ControlError(409, `'${input.id}' is a standard connector; pick another id`);
      }
      const ids = new Set<string>();
      for (const field of input.fields) {
        if (ids.has(field.id)) throw new ControlError(400, `field '${field.id}' is listed twice`);
        ids.add(field.id);
      }
      const rows = input.rows.map(rowText);
      registry.set(
        customConnector(
          input.id,
          input.description,
          input.fields,
          rows.map(([text]) => text),
          rows.map(([, parsed]) => parsed),
        ),
      );
      await call.response.sendJson(201, { id: input.id, fields: input.fields.length, rows: rows.length });
      return;
    }
    case 'DELETE':
      await call.response.sendJson(200, { removed: registry.clear() });
      return;
    default:
      throw new ControlError(405, `${call.method} is not supported on /__sim/custom-connectors`);
  }
}
