// The posting saga's shared vocabulary (issue 19): what the workflow, its activities, the CLI and
// the stores say about a batch and its entries. Types and constants only: safe in the workflow bundle.

/** A batch's state in `post_batches.status`. */
export type BatchStatus =
  | 'posting'
  | 'compensating'
  | 'posted_unconfirmed'
  | 'confirmed'
  | 'compensated'
  | 'reversed'
  | 'compensation_incomplete';

/** Where a batch ends: nothing more happens to it (posted_unconfirmed waits for the next sync). */
export const FINAL_BATCH_STATUSES: readonly BatchStatus[] = [
  'confirmed',
  'compensated',
  'reversed',
  'compensation_incomplete',
];

/** An entry's state in `post_entries.status`. */
export type EntryStatus = 'pending' | 'posted' | 'failed' | 'deleted' | 'reversed' | 'compensation_failed';

export interface BatchRef {
  source: string;
  batch: string;
}

export interface EntryRef extends BatchRef {
  key: string;
}

/** The workflow's input: the batch is registered (rows in post_batches/post_entries) before it starts. */
export type PostBatchInput = BatchRef;

export interface BeginPostResult {
  status: BatchStatus;
  /** Every entry's key in batch order. */
  keys: string[];
  /** Keys AFAS already holds (entry number recorded): a resumed batch does not post them again. */
  posted: string[];
  /** Keys sent to AFAS before without an entry number recorded: they may be in AFAS. */
  attempted: string[];
  /** Entries posted at once: the source's max_concurrency (AFAS's per-environment budget still applies). */
  concurrency: number;
  /** `post cancel` ran before the workflow started (or before it last began). */
  cancelRequested: boolean;
}

export interface PostEntryResult {
  entryNo: number;
  /** Found in AFAS by its marker (an earlier attempt landed) instead of posted by this attempt. */
  found: boolean;
}

export type CompensationOutcome =
  /** Deleted from AFAS by entry number (or found gone). */
  | 'deleted'
  /** AFAS refused the delete; a reversing entry stands beside it. */
  | 'reversed'
  /** Never reached AFAS (looked up by marker: not there). */
  | 'not_posted'
  /** Still in AFAS, without a reversal: `message` says what AFAS answered. */
  | 'failed';

export interface CompensateEntryResult {
  outcome: CompensationOutcome;
  entryNo: number | null;
  reversalEntryNo: number | null;
  message: string | null;
}

export interface EndBatchInput extends BatchRef {
  status: BatchStatus;
  reason: string | null;
}

export interface ConfirmBatchInput extends BatchRef {
  /** Why the sync before this check may not have loaded the entries (it failed, was skipped). */
  syncNote: string | null;
}

export interface ConfirmBatchResult {
  status: Extract<BatchStatus, 'confirmed' | 'posted_unconfirmed'>;
  /** Why not confirmed (entries missing or different in journal_lines); null when confirmed. */
  reason: string | null;
}

export interface ConfirmPostedResult {
  confirmed: string[];
  unconfirmed: string[];
}

/** What the workflow returns, and what `post --wait` prints and exits by. */
export interface PostBatchResult extends BatchRef {
  status: BatchStatus;
  reason: string | null;
  entries: number;
  posted: number;
  deleted: number;
  reversed: number;
  /** Entries still in AFAS after a failed compensation (keys). */
  remaining: string[];
}

export type PostPhase = 'starting' | 'posting' | 'compensating' | 'confirming' | 'done';

/** The workflow's `postProgress` query. */
export interface PostProgress extends BatchRef {
  phase: PostPhase;
  entries: number;
  posted: number;
  failed: number;
  compensated: number;
  cancelRequested: boolean;
  status: BatchStatus;
  reason: string | null;
}

/** `post --wait`'s exit code per final status (issue 19 point 1). */
export function postExitCode(status: BatchStatus): 0 | 1 | 3 {
  if (status === 'confirmed') return 0;
  if (status === 'compensated' || status === 'reversed') return 1;
  return 3;
}

/** The posting saga's activities (src/activities/post/*), as the workflow calls them. */
export interface PostActivities {
  /** Marks the batch `posting` (unless it already ended) and says what is left to post. */
  beginPostBatch(input: BatchRef): Promise<BeginPostResult>;
  /**
   * Posts one entry, exactly once: an entry with an entry number is not posted again; one whose
   * earlier attempt may have landed is looked up by its marker first. AFAS's functional refusal
   * fails non-retryably (the entry is `failed`, its message and log reference recorded).
   */
  postEntry(input: EntryRef): Promise<PostEntryResult>;
  /** Takes one entry of the batch out of AFAS: delete by entry number, else a reversing entry. */
  compensateEntry(input: EntryRef): Promise<CompensateEntryResult>;
  /**
   * Records the batch's status (and reason) with a step; final statuses also set ended_at. Returns
   * the batch as it stands, counted from its entries.
   */
  endPostBatch(input: EndBatchInput): Promise<PostBatchResult>;
  /** Compares the posted entries with journal_lines: confirmed, or posted_unconfirmed with the reason. */
  confirmPostBatch(input: ConfirmBatchInput): Promise<ConfirmBatchResult>;
  /** The sync's last step: checks every posted_unconfirmed batch of the source again. */
  confirmPostedBatches(input: { source: string }): Promise<ConfirmPostedResult>;
}
