// `afas-sync verify <source>`: proves the copy now (issue 18) — the journal lines against AFAS's own
// period balances as last synced, every entry balanced, no line outside the exposed administrations.
// Reads PostgreSQL only: no AFAS call, no repair (syncs repair), nothing written.
import type { Command } from 'commander';
import type { CliRun } from '../context.js';
import { CliFailure } from '../errors.js';
import { differenceRows, printDifferences, printUnbalanced } from '../ledger-output.js';
import { parseInteger, parseSourceName } from '../parse.js';

/** Exit code when something differs (as `status` uses 4 for an unhealthy fleet). */
const DIFFERS = 4;

interface VerifyFlags {
  administration?: string;
  year?: string;
  json?: boolean;
}

export function registerVerify(program: Command, cli: CliRun): void {
  program
    .command('verify')
    .description(
      "prove a source's copy: journal lines against AFAS's period balances; exit 0 agrees, 4 differs",
    )
    .argument('<source>', 'source name')
    .option('--administration <id>', 'only this administration')
    .option('--year <year>', 'only this financial year')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
For every administration × year × period × account, the live journal lines' summed debit and
credit must equal the realised Debit and Credit of period_balances (exact decimals). A line on a
debtor counts on that debtor's CollectAccount, a line on a creditor on the creditors' collective
account (the ledger account with CollectAccount and CollectAccountType C); a number that is none of
these leaves its period unresolved, never a difference. Every journal entry must balance, and no
line may lie outside the administrations the source exposes. Both sides are as last synced: a sync
reloads the period balances, compares, and re-reads a differing period once; a difference that
survives is shown as flagged.

Exit codes: 0 everything agrees (unresolved periods are listed) · 4 differences (the table) ·
1 could not check (unknown source, PostgreSQL unavailable, nothing synced yet).

Examples:
  $ afas-sync verify acme
  $ afas-sync verify acme --administration 1 --year 2025 --json`,
    )
    .action(async (name: string, flags: VerifyFlags) => {
      const source = parseSourceName(name);
      const administration =
        flags.administration === undefined
          ? undefined
          : parseInteger(flags.administration, '--administration', 1, 2_147_483_647);
      const year = flags.year === undefined ? undefined : parseInteger(flags.year, '--year', 1900, 9999);
      cli.exit(await verify(cli, source, { administration, year, json: flags.json === true }));
    });
}

async function verify(
  cli: CliRun,
  source: string,
  options: { administration: number | undefined; year: number | undefined; json: boolean },
): Promise<number> {
  const app = await cli.ctx.app();
  await app.sources.get(source);
  const [{ proveLedger, LedgerProofUnavailable }, { ReconciliationStore }, { planRepair }] =
    await Promise.all([
      import('../../db/ledger-proof.js'),
      import('../../db/reconciliations.js'),
      import('../../activities/ledger/repair-plan.js'),
    ]);
  const scope = {
    administrations: options.administration === undefined ? null : [options.administration],
    years: options.year === undefined ? null : [options.year],
  };
  let proof;
  try {
    proof = await proveLedger(app.pool, app.schema, source, {
      ...(scope.administrations ? { administrations: scope.administrations } : {}),
      ...(scope.years ? { years: scope.years } : {}),
    });
  } catch (error) {
    if (error instanceof LedgerProofUnavailable)
      throw new CliFailure(
        `cannot verify "${source}": ${error.message} (run \`afas-sync sync ${source}\` first)`,
      );
    throw error;
  }
  if (proof.periodsChecked === 0)
    throw new CliFailure(
      `nothing to verify: "${source}" has no journal lines or period balances${options.administration !== undefined || options.year !== undefined ? ' in that scope' : ''} (run \`afas-sync sync ${source}\` first)`,
    );
  // Flagged: the same figures survived a sync's repair already (the sync's own rule decides).
  const flags = await new ReconciliationStore(app.schema).flags(app.pool, source, scope);
  const flagged = new Set(planRepair(proof.differences, flags).flagged);
  const differences = proof.differences.map((difference) => ({
    ...difference,
    state: flagged.has(difference) ? 'flagged' : 'differs',
  }));
  const differs = proof.differencesTotal > 0 || proof.unbalancedTotal > 0 || proof.linesOutside > 0;
  const code = differs ? DIFFERS : 0;
  if (options.json) {
    cli.out.json({
      source,
      scope,
      status: differs ? 'differs' : proof.unresolvedTotal > 0 ? 'unresolved' : 'agrees',
      accountPeriodsChecked: proof.accountPeriodsChecked,
      periodsChecked: proof.periodsChecked,
      lastPeriod: proof.lastPeriod,
      differencesTotal: proof.differencesTotal,
      differences: differenceRows(differences),
      unresolved: proof.unresolved,
      unbalancedEntries: proof.unbalancedTotal,
      unbalanced: proof.unbalanced,
      linesOutside: proof.linesOutside,
      outsideAdministrations: proof.outsideAdministrations,
    });
    return code;
  }
  const { out } = cli;
  out.line(
    `${source}: ${proof.accountPeriodsChecked.toLocaleString('en-US')} account-periods in ` +
      `${proof.periodsChecked.toLocaleString('en-US')} periods checked, through ${proof.lastPeriod ?? '-'}`,
  );
  if (proof.differencesTotal > 0) {
    out.line(`${proof.differencesTotal} account-period(s) differ (AFAS − PostgreSQL):`);
    printDifferences(out, differenceRows(differences));
    if (proof.differencesTotal > proof.differences.length)
      out.note(`listed the first ${proof.differences.length}; narrow with --administration and --year`);
  }
  if (proof.unresolvedTotal > 0) {
    out.line(
      `${proof.unresolvedTotal} account-period(s) unresolved (lines on numbers that are no ledger account, debtor or creditor):`,
    );
    for (const item of proof.unresolved)
      out.line(
        `  administration ${item.administration} ${item.year}-${String(item.period).padStart(2, '0')} ` +
          `account ${item.account}: unresolved numbers ${item.numbers.join(', ')}`,
      );
  }
  if (proof.unbalancedTotal > 0) {
    out.line(`${proof.unbalancedTotal} journal entr(y/ies) do not balance:`);
    printUnbalanced(out, proof.unbalanced);
  }
  if (proof.linesOutside > 0)
    out.line(
      `${proof.linesOutside} line(s) outside the administrations "${source}" exposes ` +
        `(administration ${proof.outsideAdministrations.join(', ')})`,
    );
  if (!differs) out.line(proof.unresolvedTotal > 0 ? 'agrees where resolved' : 'everything agrees');
  return code;
}
