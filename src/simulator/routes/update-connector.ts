import type { UpdateConnectorSpec } from '../connectors/update-catalog.js';
import { deleteFiEntries, saveFiEntries, type FiEntryDeleteKey } from '../domain/fi-entries.js';
import { InvalidJsonBodyError } from '../errors.js';
import { readBodyText } from '../http/request.js';
import { profitErrors } from '../messages.js';
import type { AfasCall } from './afas-call.js';

/** AFAS refuses calls above 75 MB in total. */
const MAX_BODY_BYTES = 75 * 1024 * 1024;

async function readJson(call: AfasCall): Promise<unknown> {
  let text: string;
  try {
    text = await readBodyText(call.req, MAX_BODY_BYTES);
  } catch {
    throw profitErrors.unexpected();
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidJsonBodyError();
  }
}

/** `POST` (insert) and `PUT` (replace by EnNo) on an UpdateConnector; only FiEntries exists. */
export async function sendUpdateConnectorWrite(
  call: AfasCall,
  spec: UpdateConnectorSpec,
  mode: 'insert' | 'replace',
): Promise<void> {
  const body = await readJson(call);
  const results = saveFiEntries(call.sim.data, call.sim.ledger, body, mode);
  const payload = results.length === 1 ? results[0] : results;
  await call.response.sendJson(201, { results: { [spec.root.name]: payload } });
}

interface KeyLevel {
  readonly object: string;
  readonly names: readonly string[];
  readonly values: readonly string[];
}

/** `Object/@Key1,@Key2/value1,value2/SubObject/@Key/value…` → levels; `@` optional. */
function keyLevels(segments: readonly string[]): KeyLevel[] | undefined {
  if (segments.length === 0 || segments.length % 3 !== 0) return undefined;
  const levels: KeyLevel[] = [];
  for (let i = 0; i < segments.length; i += 3) {
    const names = (segments[i + 1] ?? '').split(',').map((name) => name.replace(/^@/, ''));
    const values = (segments[i + 2] ?? '').split(',');
    if (names.length !== values.length) return undefined;
    levels.push({ object: segments[i] ?? '', names, values });
  }
  return levels;
}

function fiEntryDeleteKey(levels: readonly KeyLevel[]): FiEntryDeleteKey | undefined {
  const [header, lines] = levels;
  if (levels.length !== 2 || header === undefined || lines === undefined) return undefined;
  if (header.object !== 'FiEntryPar' || lines.object !== 'FiEntries') return undefined;
  const unitIndex = header.names.indexOf('UnId');
  const journalIndex = header.names.indexOf('JoCo');
  if (unitIndex === -1 || journalIndex === -1 || lines.names.length !== 1) return undefined;
  const by = lines.names[0];
  if (by !== 'EnNo' && by !== 'InId') return undefined;
  return {
    unit: header.values[unitIndex] ?? '',
    journal: header.values[journalIndex] ?? '',
    by,
    value: lines.values[0] ?? '',
  };
}

/**
 * `DELETE /connectors/FiEntries/FiEntryPar/UnId,JoCo/{unit},{journal}/FiEntries/@EnNo/{entryNo}`
 * (or `…/FiEntries/InId/{invoice}`), reference §6.5. Answers 200 without body.
 */
export async function sendUpdateConnectorDelete(call: AfasCall, keyPath: readonly string[]): Promise<void> {
  const levels = keyLevels(keyPath);
  const key = levels === undefined ? undefined : fiEntryDeleteKey(levels);
  if (key === undefined) throw profitErrors.unexpected();
  deleteFiEntries(call.sim.data, call.sim.ledger, key);
  await call.response.sendEmpty(200);
}
