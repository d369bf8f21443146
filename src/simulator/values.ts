import { parseWallDateTime } from './amsterdam-time.js';
import type { FieldSpec } from './connectors/types.js';
import { scaledFromInput } from './decimal.js';
import { ControlError } from './errors.js';
import type { CellValue } from './store/table.js';

/**
 * Converts a JSON value from the control API into a field's canonical cell value. Accepts what
 * AFAS itself writes (so exported rows can be sent back): numbers or numeric strings, booleans or
 * "true"/"false"/"1"/"0", dates as `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS` with an optional fake `Z`
 * (always read as Amsterdam wall time). `null` and `""` are empty.
 */
export function cellFromInput(field: FieldSpec, raw: unknown): CellValue {
  if (raw === null || raw === undefined || raw === '') return null;
  const fail = (): never => {
    throw new ControlError(
      400,
      `field '${field.id}' (${field.dataType}): invalid value ${JSON.stringify(raw)}`,
    );
  };
  switch (field.dataType) {
    case 'string':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      return fail();
    case 'int': {
      const value =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^-?\d+$/.test(raw.trim())
            ? Number(raw)
            : NaN;
      return Number.isSafeInteger(value) ? value : fail();
    }
    case 'decimal': {
      const value = scaledFromInput(raw, field.decimals);
      return value === undefined ? fail() : value;
    }
    case 'date': {
      if (typeof raw !== 'string') return fail();
      const value = parseWallDateTime(raw.trim().replace(/Z$/, ''));
      return value === undefined ? fail() : Math.floor(value);
    }
    case 'boolean':
      if (raw === true || raw === 'true' || raw === 1 || raw === '1') return true;
      if (raw === false || raw === 'false' || raw === 0 || raw === '0') return false;
      return fail();
  }
}
