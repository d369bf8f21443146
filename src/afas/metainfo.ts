// Metainfo response shapes (reference §3), validated with zod and normalised (absent → null).

import { z } from 'zod';
import { AFAS_DATA_TYPES, type AfasDataType } from './values.js';

export interface ConnectorListEntry {
  readonly id: string;
  readonly description: string | null;
}

export interface SessionInfo {
  readonly envid: string | null;
  readonly appName: string | null;
  readonly group: string | null;
  readonly tokenExpiry: string | null;
}

/** `GET /metainfo`: the connectors this token's App connector exposes. */
export interface AfasMetainfo {
  readonly updateConnectors: readonly ConnectorListEntry[];
  readonly getConnectors: readonly ConnectorListEntry[];
  readonly info: SessionInfo | null;
}

export interface GetConnectorField {
  /** JSON property name in rows; used in filters and orderbyfieldids. */
  readonly id: string;
  readonly fieldId: string | null;
  readonly dataType: AfasDataType;
  readonly label: string | null;
  readonly length: number | null;
  readonly controlType: number | null;
  readonly decimals: number | null;
  readonly decimalsFieldId: string | null;
}

/** `GET /metainfo/get/{id}`. */
export interface GetConnectorMeta {
  readonly name: string;
  readonly description: string | null;
  readonly fields: readonly GetConnectorField[];
}

export interface UpdateConnectorFieldValue {
  readonly id: string;
  readonly description: string | null;
}

export interface UpdateConnectorField {
  readonly fieldId: string;
  readonly primaryKey: boolean;
  readonly dataType: AfasDataType;
  readonly label: string | null;
  readonly mandatory: boolean;
  readonly length: number | null;
  readonly decimals: number | null;
  readonly decimalFieldId: string | null;
  readonly notzero: boolean;
  readonly controlType: number | null;
  readonly values: readonly UpdateConnectorFieldValue[] | null;
}

export interface UpdateConnectorObject {
  readonly name: string;
  readonly fields: readonly UpdateConnectorField[];
  readonly objects: readonly UpdateConnectorObject[];
}

/** `GET /metainfo/update/{id}` (objects nest recursively). */
export interface UpdateConnectorMeta extends UpdateConnectorObject {
  readonly id: string | null;
  readonly description: string | null;
}

const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
const optionalNumber = z
  .number()
  .nullish()
  .transform((v) => v ?? null);
const optionalBoolean = z
  .boolean()
  .nullish()
  .transform((v) => v ?? false);
const dataType = z.enum(AFAS_DATA_TYPES);
/** A list AFAS may send as null or leave out: read as empty. */
const listOf = <T>(item: z.ZodType<T, unknown>) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

const connectorListEntry = z.object({ id: z.string().min(1), description: optionalString });

const metainfoSchema = z.object({
  updateConnectors: listOf(connectorListEntry),
  getConnectors: listOf(connectorListEntry),
  info: z
    .object({
      envid: optionalString,
      appName: optionalString,
      group: optionalString,
      tokenExpiry: z
        .union([z.string(), z.number()])
        .nullish()
        .transform((v) => (v === null || v === undefined ? null : String(v))),
    })
    .nullish()
    .transform((v) => v ?? null),
});

const getConnectorSchema = z.object({
  name: z.string().min(1),
  description: optionalString,
  fields: z
    .array(
      z.object({
        id: z.string().min(1),
        fieldId: optionalString,
        dataType,
        label: optionalString,
        length: optionalNumber,
        controlType: optionalNumber,
        decimals: optionalNumber,
        decimalsFieldId: optionalString,
      }),
    )
    .superRefine((fields, ctx) => {
      const seen = new Set<string>();
      for (const [index, field] of fields.entries()) {
        if (seen.has(field.id)) {
          ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate field id ${field.id}` });
        }
        seen.add(field.id);
      }
    }),
});

const updateFieldSchema = z.object({
  fieldId: z.string().min(1),
  primaryKey: optionalBoolean,
  dataType,
  label: optionalString,
  mandatory: optionalBoolean,
  length: optionalNumber,
  decimals: optionalNumber,
  decimalFieldId: optionalString,
  notzero: optionalBoolean,
  controlType: optionalNumber,
  values: z
    .array(
      z.object({
        id: z.union([z.string(), z.number()]).transform(String),
        description: optionalString,
      }),
    )
    .nullish()
    .transform((v) => v ?? null),
});

const updateObjectSchema: z.ZodType<UpdateConnectorObject, unknown> = z.lazy(() =>
  z.object({
    name: z.string().min(1),
    fields: listOf(updateFieldSchema),
    objects: listOf(updateObjectSchema),
  }),
);

const updateConnectorSchema = z.object({
  id: optionalString,
  description: optionalString,
  name: z.string().min(1),
  fields: listOf(updateFieldSchema),
  objects: listOf(updateObjectSchema),
});

const profitVersionSchema = z.object({ version: z.string().min(1) });

export type MetainfoParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

function run<T>(schema: z.ZodType<T, unknown>, body: unknown): MetainfoParseResult<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problem = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`)
    .join('; ');
  return { ok: false, problem };
}

export function parseMetainfo(body: unknown): MetainfoParseResult<AfasMetainfo> {
  return run(metainfoSchema, body);
}

export function parseGetConnectorMeta(body: unknown): MetainfoParseResult<GetConnectorMeta> {
  return run(getConnectorSchema, body);
}

export function parseUpdateConnectorMeta(body: unknown): MetainfoParseResult<UpdateConnectorMeta> {
  return run(updateConnectorSchema, body);
}

export function parseProfitVersion(body: unknown): MetainfoParseResult<string> {
  const result = run(profitVersionSchema, body);
  return result.ok ? { ok: true, value: result.value.version } : result;
}
