import { formatWallSeconds } from '../amsterdam-time.js';
import type { FieldSpec } from '../connectors/types.js';
import { formatScaled } from '../decimal.js';
import type { CellValue } from '../store/table.js';

/** A cell as AFAS writes it in JSON: numbers as numbers, dates as `YYYY-MM-DDTHH:MM:SSZ`, null for empty. */
export function cellJsonFormatter(field: FieldSpec): (value: CellValue) => string {
  switch (field.dataType) {
    case 'string':
      return (value) => (value === null ? 'null' : JSON.stringify(String(value)));
    case 'int':
      return (value) => (value === null ? 'null' : String(value));
    case 'decimal':
      return (value) => (value === null ? 'null' : formatScaled(value as number, field.decimals));
    case 'date':
      return (value) => (value === null ? 'null' : `"${formatWallSeconds(value as number)}"`);
    case 'boolean':
      return (value) => (value === null ? 'null' : value === true ? 'true' : 'false');
  }
}

/** The text a LIKE or quick filter matches against (dates without the fake `Z`). */
export function cellText(field: FieldSpec, value: CellValue): string {
  if (value === null) return '';
  switch (field.dataType) {
    case 'string':
      return String(value);
    case 'int':
      return String(value);
    case 'decimal':
      return formatScaled(value as number, field.decimals);
    case 'date':
      return formatWallSeconds(value as number).slice(0, 19);
    case 'boolean':
      return value === true ? 'true' : 'false';
  }
}
