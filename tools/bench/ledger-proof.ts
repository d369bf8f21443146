// (r) the ledger proof of the imported lines (issue 18.4): the import ends with it; here it runs
// once more on its own, timed, against the import's database, to compare with the import's wall time.
import { proveLedger } from '../../src/db/ledger-proof.js';
import type { Pool } from '../../src/db/pool.js';

export interface LedgerProofFigures {
  wallSeconds: number;
  accountPeriods: number;
  /** Account-periods that differ, unbalanced entries, lines outside: all 0 for an exact copy. */
  problems: number;
}

export async function timeLedgerProof(
  pool: Pool,
  source: string,
  log: (message: string) => void,
): Promise<LedgerProofFigures> {
  const started = performance.now();
  const proof = await proveLedger(pool, 'afas', source);
  const wallSeconds = (performance.now() - started) / 1000;
  const problems =
    proof.differencesTotal + proof.unresolvedTotal + proof.unbalancedTotal + proof.linesOutside;
  log(
    `ledger proof: ${proof.accountPeriodsChecked} account-periods in ${proof.periodsChecked} periods, ` +
      `${problems} problem(s), ${wallSeconds.toFixed(2)} s`,
  );
  return { wallSeconds, accountPeriods: proof.accountPeriodsChecked, problems };
}
