import { SOURCE_SCHEMAS } from '../connectors/schemas.js';
import type { SourceName } from '../connectors/types.js';
import { generateJournalLines } from '../generator/journal-lines.js';
import {
  accountRows,
  administrationRows,
  allocationRows,
  creditorRows,
  debtorRows,
  journalRows,
  periodRows,
  vatCodeRows,
} from '../generator/master-data.js';
import { ChangedDays } from '../store/changed-days.js';
import { DerivedTable } from '../store/derived-table.js';
import { JournalLineStore } from '../store/journal-lines.js';
import { RowTable, type Row } from '../store/row-table.js';
import type { Table } from '../store/table.js';
import { BalanceSkews, buildPeriodBalances } from './period-balances.js';

export interface DataOptions {
  readonly seed: number;
  readonly administrations: number;
  readonly years: readonly number[];
  readonly linesPerYear: number;
  /** Administration ids exposed by Finstack_Administrations; undefined = all. */
  readonly finstackAdministrationIds: readonly number[] | undefined;
  /** Generated data lies before this wall time (start of the current Amsterdam day). */
  readonly asOfWall: number;
}

/** Master tables that the control API may change directly. */
export type MasterSource = Extract<
  SourceName,
  | 'administrations'
  | 'accounts'
  | 'journals'
  | 'periods'
  | 'debtors'
  | 'creditors'
  | 'vatCodes'
  | 'allocationAssignments'
>;

export const MASTER_SOURCES: readonly MasterSource[] = [
  'administrations',
  'accounts',
  'journals',
  'periods',
  'debtors',
  'creditors',
  'vatCodes',
  'allocationAssignments',
];

export function isMasterSource(source: SourceName): source is MasterSource {
  return (MASTER_SOURCES as readonly SourceName[]).includes(source);
}

/** Every table of one simulated AFAS environment. */
export class SimulatorData {
  readonly journal: JournalLineStore;
  readonly changedDays = new ChangedDays();
  /** Period balances out of step with the journal lines on purpose (tests of the ledger proof). */
  readonly balanceSkews = new BalanceSkews();
  readonly master: Readonly<Record<MasterSource, RowTable>>;
  private finstackIds: readonly number[] | undefined;
  private finstackVersion = 0;
  private readonly derived: Readonly<
    Record<'periodBalances' | 'changedEntryDates' | 'finstackAdministrations', DerivedTable>
  >;

  constructor(readonly options: DataOptions) {
    const masterOptions = {
      seed: options.seed,
      administrations: options.administrations,
      years: options.years,
      asOfWall: options.asOfWall,
    };
    const debtors = debtorRows(masterOptions);
    const creditors = creditorRows(masterOptions);
    this.master = {
      administrations: new RowTable(
        'administrations',
        SOURCE_SCHEMAS.administrations,
        administrationRows(options.administrations),
      ),
      accounts: new RowTable('accounts', SOURCE_SCHEMAS.accounts, accountRows()),
      journals: new RowTable('journals', SOURCE_SCHEMAS.journals, journalRows(options.administrations)),
      periods: new RowTable(
        'periods',
        SOURCE_SCHEMAS.periods,
        periodRows(options.administrations, options.years),
      ),
      debtors: new RowTable('debtors', SOURCE_SCHEMAS.debtors, debtors),
      creditors: new RowTable('creditors', SOURCE_SCHEMAS.creditors, creditors),
      vatCodes: new RowTable('vatCodes', SOURCE_SCHEMAS.vatCodes, vatCodeRows()),
      allocationAssignments: new RowTable(
        'allocationAssignments',
        SOURCE_SCHEMAS.allocationAssignments,
        allocationRows(options.administrations),
      ),
    };
    this.finstackIds = options.finstackAdministrationIds;

    const totalLines = options.linesPerYear * options.years.length * options.administrations;
    this.journal = new JournalLineStore(totalLines);
    generateJournalLines(this.journal, {
      seed: options.seed,
      administrations: options.administrations,
      years: options.years,
      linesPerYear: options.linesPerYear,
      asOfWall: options.asOfWall,
      debtorNames: debtors.map((d) => String(d['DebtorName'])),
      creditorNames: creditors.map((c) => String(c['CreditorName'])),
    });
    for (let row = 0; row < this.journal.slotCount(); row++) {
      this.changedDays.touch(this.journal.entryDateOf(row), this.journal.modifiedOf(row));
    }

    this.derived = {
      periodBalances: new DerivedTable(
        'periodBalances',
        SOURCE_SCHEMAS.periodBalances,
        () =>
          `${this.journal.version()}/${this.master.accounts.version()}/${this.master.debtors.version()}/${this.balanceSkews.version()}`,
        () =>
          buildPeriodBalances({
            seed: options.seed,
            journal: this.journal,
            accounts: this.master.accounts,
            debtors: this.master.debtors,
            skews: this.balanceSkews,
          }),
      ),
      changedEntryDates: new DerivedTable(
        'changedEntryDates',
        SOURCE_SCHEMAS.changedEntryDates,
        () => String(this.changedDays.version()),
        () =>
          this.changedDays
            .entries()
            .map(([entryDate, modified]): Row => ({ EntryDate: entryDate, Modified: modified })),
      ),
      finstackAdministrations: new DerivedTable(
        'finstackAdministrations',
        SOURCE_SCHEMAS.finstackAdministrations,
        () => `${this.master.administrations.version()}/${this.finstackVersion}`,
        () => this.finstackAdministrationRows(),
      ),
    };
  }

  table(source: SourceName): Table {
    switch (source) {
      case 'journalLines':
        return this.journal;
      case 'periodBalances':
      case 'changedEntryDates':
      case 'finstackAdministrations':
        return this.derived[source];
      default:
        return this.master[source];
    }
  }

  /** Changes what Finstack_Administrations exposes (the connector's fixed filter). */
  setFinstackAdministrationIds(ids: readonly number[] | undefined): void {
    this.finstackIds = ids;
    this.finstackVersion++;
  }

  finstackAdministrationIds(): readonly number[] | undefined {
    return this.finstackIds;
  }

  private finstackAdministrationRows(): Row[] {
    const allowed = this.finstackIds === undefined ? undefined : new Set(this.finstackIds);
    return this.master.administrations
      .all()
      .filter((row) => allowed === undefined || allowed.has(row['AdminId'] as number))
      .map((row) => ({
        AdministrationId: row['AdminId'] ?? null,
        AdministrationName: row['AdminNm'] ?? null,
      }));
  }
}
