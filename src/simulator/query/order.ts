import type { FieldSpec } from '../connectors/types.js';
import { profitErrors } from '../messages.js';

export interface OrderKey {
  readonly fieldId: string;
  readonly descending: boolean;
}

/** `orderbyfieldids=UnitId,-EntryNo`: comma-separated field ids, `-` prefix for descending. */
export function parseOrder(text: string | undefined, fields: ReadonlyMap<string, FieldSpec>): OrderKey[] {
  if (text === undefined || text === '') return [];
  return text.split(',').map((item) => {
    const descending = item.startsWith('-');
    const fieldId = descending ? item.slice(1) : item;
    if (!fields.has(fieldId)) throw profitErrors.fieldNotFound(fieldId);
    return { fieldId, descending };
  });
}
