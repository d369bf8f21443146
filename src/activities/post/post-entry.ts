// The postEntry activity's body: one entry of a batch into AFAS, exactly once (post-once.ts).
import { ApplicationFailure } from '@temporalio/common';
import type { PostEntryRecord } from '../../db/post-entries.js';
import { FailureType } from '../../temporal/failure-types.js';
import { entryEnvelope } from '../../write-back/fi-entries.js';
import type { PostEntryResult } from '../../write-back/post-types.js';
import { invalidEntry, registered, type EntryContext } from './entry-context.js';
import { postOnce } from './post-once.js';

function refusal(message: string, httpStatus: number | null, profitLogReference: string | null) {
  return ApplicationFailure.create({
    message,
    type: FailureType.AfasFunctional,
    nonRetryable: true,
    details: [{ errorClass: 'functional', status: httpStatus, profitLogReference }],
  });
}

export async function postEntryWork(context: EntryContext, row: PostEntryRecord): Promise<PostEntryResult> {
  const { ref, store } = context;
  // Recorded: in AFAS under this number (a retry after the answer was recorded, or a resumed batch).
  if (row.status === 'posted' && row.entryNo !== null) return { entryNo: row.entryNo, found: false };
  // AFAS refused it before: the same entry is refused again, and posting it is not tried twice.
  if (row.status === 'failed')
    throw refusal(row.message ?? 'AFAS refused the entry', null, row.profitLogReference);
  if (row.status !== 'pending')
    throw invalidEntry(`entry "${ref.key}" of batch "${ref.batch}" is ${row.status}: it is not posted again`);

  const result = await postOnce(context, {
    action: 'post',
    marker: row.marker,
    attempted: row.attemptedAt !== null,
    markAttempted: () => store.markAttempted(ref),
    envelope: entryEnvelope(registered(row)),
  });
  if (result.posted) {
    await store.recordPosted(ref, result.entryNo);
    return { entryNo: result.entryNo, found: result.found };
  }
  await store.recordFailed(ref, result.answer);
  throw refusal(result.answer.message, result.httpStatus, result.answer.profitLogReference);
}
