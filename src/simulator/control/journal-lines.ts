import { z } from 'zod';

import { parseWallDateTime, startOfWallDay } from '../amsterdam-time.js';
import { journalKey, journalLineChange, newJournalLines } from '../domain/journal-input.js';
import { ControlError } from '../errors.js';
import { readControlBody, type ControlCall } from './control-call.js';
import { stampFromInput } from './stamp.js';

const LineRecord = z.record(z.string(), z.unknown());

const AddLines = z.object({ lines: z.array(LineRecord).min(1) }).strict();

const ChangeLines = z
  .object({
    changes: z
      .array(z.object({ key: LineRecord, set: LineRecord, modified: z.string().optional() }).strict())
      .min(1),
  })
  .strict();

const DeleteLines = z.union([
  z.object({ keys: z.array(LineRecord).min(1) }).strict(),
  z
    .object({
      entries: z.array(z.object({ UnitId: z.number().int(), EntryNo: z.number().int() }).strict()).min(1),
    })
    .strict(),
  z.object({ unitId: z.number().int(), entryDate: z.string() }).strict(),
]);

async function addLines(call: ControlCall): Promise<void> {
  const { lines } = await readControlBody(call, AddLines);
  const drafts = newJournalLines(call.sim.data, lines);
  call.sim.ledger.add(drafts);
  await call.response.sendJson(201, {
    added: drafts.length,
    keys: drafts.map((line) => ({ UnitId: line.unitId, EntryNo: line.entryNo, SeqNo: line.seqNo })),
  });
}

async function changeLines(call: ControlCall): Promise<void> {
  const { changes } = await readControlBody(call, ChangeLines);
  const { journal } = call.sim.data;
  const planned = changes.map((change, index) => {
    const key = journalKey(change.key, `change ${index + 1}`);
    const row = journal.find(key.UnitId, key.EntryNo, key.SeqNo);
    if (row === -1)
      throw new ControlError(404, `journal line ${key.UnitId}/${key.EntryNo}/${key.SeqNo} does not exist`);
    const at =
      change.modified === undefined ? undefined : stampFromInput(change.modified, `change ${index + 1}`);
    return { row, change: journalLineChange(call.sim.data, change.set), at };
  });
  for (const { row, change, at } of planned) call.sim.ledger.change(row, change, at);
  await call.response.sendJson(200, { changed: planned.length });
}

async function deleteLines(call: ControlCall): Promise<void> {
  const body = await readControlBody(call, DeleteLines);
  const { journal } = call.sim.data;
  let rows: number[];
  if ('keys' in body) {
    rows = body.keys.map((input, index) => {
      const key = journalKey(input, `key ${index + 1}`);
      const row = journal.find(key.UnitId, key.EntryNo, key.SeqNo);
      if (row === -1)
        throw new ControlError(404, `journal line ${key.UnitId}/${key.EntryNo}/${key.SeqNo} does not exist`);
      return row;
    });
  } else if ('entries' in body) {
    rows = body.entries.flatMap((entry) => journal.entryRows(entry.UnitId, entry.EntryNo));
  } else {
    const parsed = parseWallDateTime(body.entryDate.replace(/Z$/, ''));
    if (parsed === undefined) throw new ControlError(400, `entryDate '${body.entryDate}' is not a date`);
    const day = startOfWallDay(Math.floor(parsed));
    rows = [];
    for (let row = 0; row < journal.slotCount(); row++) {
      if (journal.isLive(row) && journal.unitOf(row) === body.unitId && journal.entryDateOf(row) === day)
        rows.push(row);
    }
  }
  const unique = [...new Set(rows)];
  call.sim.ledger.remove(unique);
  await call.response.sendJson(200, { deleted: unique.length });
}

/**
 * `POST` adds, `PATCH` changes, `DELETE` removes journal lines (Profit_Transactions rows). A
 * change's `modified` stamps the line and its booking day with that wall time instead of now.
 */
export async function handleJournalLines(call: ControlCall): Promise<void> {
  switch (call.method) {
    case 'POST':
      return addLines(call);
    case 'PATCH':
      return changeLines(call);
    case 'DELETE':
      return deleteLines(call);
    default:
      throw new ControlError(405, `${call.method} is not supported on /__sim/journal-lines`);
  }
}
