import { profitErrors } from '../messages.js';
import type { Fields } from './update-values.js';

/** One UpdateConnector element: its `@` key attributes, `Fields`, and nested objects by name. */
export interface UpdateElement {
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly fields: Fields;
  readonly objects: ReadonlyMap<string, readonly UpdateElement[]>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function parseElement(value: unknown, objectName: string): UpdateElement {
  if (!isRecord(value)) throw profitErrors.missingObject(objectName);
  const attributes: Record<string, unknown> = {};
  for (const [key, attribute] of Object.entries(value)) {
    if (key.startsWith('@')) attributes[key.slice(1)] = attribute;
  }
  const fields = value['Fields'];
  if (fields !== undefined && !isRecord(fields)) throw profitErrors.missingObject(`${objectName}/Fields`);
  const objects = new Map<string, UpdateElement[]>();
  const rawObjects = value['Objects'];
  if (rawObjects !== undefined && rawObjects !== null) {
    // `Objects` is either an array of single-key objects or one object with several keys.
    for (const holder of asList(rawObjects)) {
      if (!isRecord(holder)) throw profitErrors.missingObject(`${objectName}/Objects`);
      for (const [name, wrapper] of Object.entries(holder)) {
        const list = objects.get(name) ?? [];
        list.push(...parseObject(wrapper, name));
        objects.set(name, list);
      }
    }
  }
  return { attributes, fields: fields ?? {}, objects };
}

/** `{ "Element": element | [element, …] }` → elements. */
function parseObject(wrapper: unknown, name: string): UpdateElement[] {
  if (!isRecord(wrapper) || wrapper['Element'] === undefined || wrapper['Element'] === null) {
    throw profitErrors.missingObject(name);
  }
  return asList(wrapper['Element']).map((element) => parseElement(element, name));
}

/**
 * Parses `{ "<Root>": { "Element": … } }`, accepting `Element` and `Objects` both as object and as
 * array (reference §6.1).
 */
export function parseUpdateBody(body: unknown, rootName: string): UpdateElement[] {
  if (!isRecord(body) || body[rootName] === undefined) throw profitErrors.missingObject(rootName);
  const elements = parseObject(body[rootName], rootName);
  if (elements.length === 0) throw profitErrors.missingObject(rootName);
  return elements;
}
