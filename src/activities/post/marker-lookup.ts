// Looking an entry up in AFAS by its marker, through the source's own journal-lines GetConnector
// (the one it syncs), every look-up recorded as a step of the entry.
import { ApplicationFailure } from '@temporalio/common';
import { connectorIdFor, dataset } from '../../catalog/datasets.js';
import type { SourceRecord } from '../../db/sources.js';
import type { PostStep } from '../../db/post-entries.js';
import { FailureType } from '../../temporal/failure-types.js';
import {
  entryNumbersOf,
  MARKER_ORDER,
  markerFilter,
  MarkerAmbiguousError,
  singleEntry,
} from '../../write-back/find-entry.js';
import type { AfasSession } from '../afas-session.js';

export interface MarkerLookup {
  /** The entry number of the one entry carrying the marker; null when AFAS holds none. */
  find(marker: string): Promise<number | null>;
}

/** Enough columns for a take of thousands of lines: an entry has at most 1,000. */
const LOOKUP_COLUMNS = 30;

export function markerLookup(
  session: AfasSession,
  source: SourceRecord,
  administration: number,
  recordStep: (step: PostStep) => Promise<void>,
): MarkerLookup {
  const connector = connectorIdFor(dataset('journal_lines'), source);
  return {
    async find(marker) {
      const rows: Record<string, unknown>[] = [];
      // GetConnectors change nothing: the session retries their transient errors in place.
      for await (const page of session.pages(connector, {
        orderBy: MARKER_ORDER,
        filter: markerFilter(administration, marker),
        columns: LOOKUP_COLUMNS,
      }))
        rows.push(...page.parse());
      const numbers = entryNumbersOf(rows);
      try {
        const entryNo = singleEntry(marker, numbers);
        await recordStep({ action: 'lookup', outcome: entryNo === null ? 'not_found' : 'found', entryNo });
        return entryNo;
      } catch (error) {
        if (!(error instanceof MarkerAmbiguousError)) throw error;
        await recordStep({ action: 'lookup', outcome: 'duplicate', message: error.message });
        throw ApplicationFailure.create({
          message: error.message,
          type: FailureType.PostEntryDuplicated,
          nonRetryable: true,
        });
      }
    },
  };
}
