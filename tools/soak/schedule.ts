// The fault schedule: which fault happens when, drawn from the seed alone, so a run can be replayed.
import { Prng } from './prng.js';

export type AfasFaultKind = 'locked' | 'unavailable' | 'reset' | 'slow';

export interface AfasFaultRule {
  kind: AfasFaultKind;
  connector?: string;
  count: number;
  fraction?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
}

export interface MasterChange {
  connector: string;
  upsert?: Record<string, string | number>[];
  /** Keys of rows AFAS hard-deletes (gone from the connector, no trace). */
  delete?: Record<string, string | number>[];
  /** ModifiedDate of the upserts (Amsterdam wall time); one in the future must not freeze syncs. */
  modified?: string;
}

export type FaultEvent =
  | { atMs: number; kind: 'worker-kill'; downMs: number }
  | { atMs: number; kind: 'postgres-restart' }
  | { atMs: number; kind: 'temporal-restart'; downMs: number }
  | { atMs: number; kind: `afas-${AfasFaultKind}`; rule: AfasFaultRule }
  | { atMs: number; kind: 'mutate-journal'; days: number; seed: number }
  | { atMs: number; kind: 'mutate-master' | 'delete-master' | 'future-stamp'; change: MasterChange };

export type FaultKind = FaultEvent['kind'];

/** Infrastructure events run one after another; AFAS faults and mutations in a second lane. */
export const INFRA_KINDS: readonly FaultKind[] = ['worker-kill', 'postgres-restart', 'temporal-restart'];

/** Expected events per minute of chaos, per kind (every kind happens at least once). */
export const RATES_PER_MINUTE: Readonly<Record<FaultKind, number>> = {
  'worker-kill': 1.2,
  'postgres-restart': 0.6,
  'temporal-restart': 0.4,
  'afas-locked': 1,
  'afas-unavailable': 1,
  'afas-reset': 1,
  'afas-slow': 1,
  'mutate-journal': 1.5,
  'mutate-master': 1.5,
  'delete-master': 0.6,
  'future-stamp': 0.4,
};

const CONNECTORS = [
  'Transactions',
  'Fin_ChangedEntrydate',
  'Accounts',
  'Debtor',
  'Period_balance',
  'Journals',
];

function connector(prng: Prng): string | undefined {
  // A third of the rules hit every AFAS call; the rest one connector of either connector set.
  if (prng.next() < 1 / 3) return undefined;
  return `${prng.pick(['Profit_', 'Finstack_'])}${prng.pick(CONNECTORS)}`;
}

function afasRule(kind: AfasFaultKind, prng: Prng): AfasFaultRule {
  const target = connector(prng);
  const base = target ? { connector: target } : {};
  switch (kind) {
    case 'locked':
      return { kind, ...base, count: prng.int(2, 5), fraction: 0.3 + prng.int(0, 20) / 100 };
    case 'unavailable':
      return { kind, ...base, count: prng.int(1, 3), retryAfterSeconds: prng.int(1, 3) };
    case 'reset':
      return { kind, ...base, count: prng.int(1, 3) };
    case 'slow':
      return { kind, ...base, count: prng.int(5, 20), delayMs: prng.int(200, 1500) };
  }
}

function masterChange(prng: Prng, serial: number): MasterChange {
  const label = `soak ${serial}`;
  switch (prng.int(0, 4)) {
    case 0:
      return {
        connector: 'Profit_Debtor',
        upsert: [{ DebtorId: String(prng.int(10001, 10250)), DebtorName: label }],
      };
    case 1:
      return {
        connector: 'Profit_Debtor',
        upsert: [{ DebtorId: String(90000 + serial), DebtorName: label, SearchName: `SOAK${serial}` }],
      };
    case 2:
      return {
        connector: 'Profit_Creditor',
        upsert: [{ CreditorId: String(prng.int(20001, 20150)), CreditorName: label }],
      };
    case 3:
      return {
        connector: 'Profit_VAT_code',
        upsert: [{ VatCode: String(prng.int(0, 5)), Description: label }],
      };
    default:
      return {
        connector: 'Profit_Journals',
        upsert: [
          {
            UnitId: prng.int(1, 2),
            JournalId: prng.pick(['10', '20', '60', '70', '90']),
            Description: label,
          },
        ],
      };
  }
}

/** A debtor or creditor hard-deleted in AFAS: gone from its connector, no trace but its absence. */
function masterDelete(prng: Prng): MasterChange {
  return prng.int(0, 1) === 0
    ? { connector: 'Profit_Debtor', delete: [{ DebtorId: String(prng.int(10001, 10250)) }] }
    : { connector: 'Profit_Creditor', delete: [{ CreditorId: String(prng.int(20001, 20150)) }] };
}

/** A creditor changed with a ModifiedDate in 2099: stored, and no watermark may freeze on it. */
function futureStamp(prng: Prng, serial: number): MasterChange {
  return {
    connector: 'Profit_Creditor',
    upsert: [{ CreditorId: String(prng.int(20001, 20150)), CreditorName: `soak ${serial} (2099)` }],
    modified: `2099-0${prng.int(1, 9)}-01T00:00:00`,
  };
}

function event(kind: FaultKind, atMs: number, prng: Prng, serial: number): FaultEvent {
  switch (kind) {
    case 'worker-kill':
      return { atMs, kind, downMs: prng.int(300, 3_000) };
    case 'postgres-restart':
      return { atMs, kind };
    case 'temporal-restart':
      return { atMs, kind, downMs: prng.int(500, 3_000) };
    case 'afas-locked':
    case 'afas-unavailable':
    case 'afas-reset':
    case 'afas-slow':
      return { atMs, kind, rule: afasRule(kind.slice(5) as AfasFaultKind, prng) };
    case 'mutate-journal':
      return { atMs, kind, days: prng.int(1, 4), seed: prng.int(1, 1_000_000) };
    case 'mutate-master':
      return { atMs, kind, change: masterChange(prng, serial) };
    case 'delete-master':
      return { atMs, kind, change: masterDelete(prng) };
    case 'future-stamp':
      return { atMs, kind, change: futureStamp(prng, serial) };
  }
}

/**
 * The events of a run of `durationMs`, in time order. Each kind happens round(rate × minutes)
 * times (at least once), at seeded times between 5 % and 90 % of the run, so the last faults
 * still have time to bite before the run settles.
 */
export function planFaults(seed: number, durationMs: number): FaultEvent[] {
  const root = new Prng(seed);
  const events: FaultEvent[] = [];
  let serial = 0;
  for (const kind of Object.keys(RATES_PER_MINUTE) as FaultKind[]) {
    const prng = root.fork(kind);
    const count = Math.max(1, Math.round((RATES_PER_MINUTE[kind] * durationMs) / 60_000));
    for (let index = 0; index < count; index++) {
      const atMs = Math.round(durationMs * (0.05 + 0.85 * prng.next()));
      events.push(event(kind, atMs, prng, ++serial));
    }
  }
  return events.sort((a, b) => a.atMs - b.atMs || a.kind.localeCompare(b.kind));
}
