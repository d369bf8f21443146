import { tokenAllows, type AppPrincipal } from '../auth.js';
import { GET_CONNECTORS } from '../connectors/catalog.js';
import { localize, type GetConnectorSpec } from '../connectors/types.js';
import {
  UPDATE_CONNECTORS,
  type UpdateConnectorSpec,
  type UpdateObjectSpec,
} from '../connectors/update-catalog.js';
import type { Language } from '../connectors/types.js';
import type { AfasCall } from './afas-call.js';

/** `GET /metainfo`: the connectors in the token's App connector plus session info (reference §3.1). */
export async function sendMetainfo(call: AfasCall, token: AppPrincipal): Promise<void> {
  const { language } = call;
  const environmentNumber = call.sim.options.environmentId.replace(/\D/g, '') || '12345';
  await call.response.sendJson(200, {
    updateConnectors: UPDATE_CONNECTORS.filter((spec) => tokenAllows(token, spec.id)).map((spec) => ({
      id: spec.id,
      description: localize(spec.description, language),
    })),
    getConnectors: [...GET_CONNECTORS, ...call.sim.customConnectors.list()]
      .filter((spec) => tokenAllows(token, spec.id))
      .map((spec) => ({ id: spec.id, description: localize(spec.description, language) })),
    info: {
      envid: call.sim.options.environmentId,
      appName: token.appName,
      group: `Simulator (${environmentNumber}.SIMULATOR)`,
      tokenExpiry: '0',
    },
  });
}

/** `GET /metainfo/get/{id}` (reference §3.2; note `decimalsFieldId`), of a standard or custom connector. */
export async function sendGetConnectorMetainfo(
  call: AfasCall,
  spec: Pick<GetConnectorSpec, 'id' | 'description' | 'fields'>,
): Promise<void> {
  await call.response.sendJson(200, {
    name: spec.id,
    description: localize(spec.description, call.language),
    fields: spec.fields.map((field) => ({
      id: field.id,
      fieldId: field.fieldId,
      dataType: field.dataType,
      label: localize(field.label, call.language),
      length: field.length,
      controlType: field.controlType,
      decimals: field.decimals,
      decimalsFieldId: '',
    })),
  });
}

function updateObject(object: UpdateObjectSpec, language: Language): Record<string, unknown> {
  return {
    name: object.name,
    fields: object.fields.map((field) => ({
      fieldId: field.fieldId,
      primaryKey: field.primaryKey,
      dataType: field.dataType,
      label: localize(field.label, language),
      mandatory: field.mandatory,
      length: field.length,
      decimals: field.decimals,
      decimalFieldId: '',
      notzero: field.notzero,
      controlType: field.controlType,
      values:
        field.values === null
          ? null
          : field.values.map((value) => ({
              id: value.id,
              description: localize(value.description, language),
            })),
    })),
    objects: object.objects.map((child) => updateObject(child, language)),
  };
}

/** `GET /metainfo/update/{id}` (reference §3.3; note `notzero`, `decimalFieldId`, `values`). */
export async function sendUpdateConnectorMetainfo(call: AfasCall, spec: UpdateConnectorSpec): Promise<void> {
  await call.response.sendJson(200, {
    id: spec.id,
    description: localize(spec.description, call.language),
    ...updateObject(spec.root, call.language),
  });
}
