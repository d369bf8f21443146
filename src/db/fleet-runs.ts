// The run log read across all sources at once, for the fleet view (`afas-sync status` without a
// source, `afas-sync runs --failed`): each read is one query, however many sources there are,
// and each walks the (source, started_at DESC) index per source instead of the whole log.
import type pg from 'pg';
import { ident } from './pool.js';
import { toRun, type RunRecord } from './runs.js';

/** A dataset that failed in a run. */
export interface FailedDataset {
  runId: string;
  dataset: string;
  /** 0 for environment-wide datasets. */
  administration: number;
  error: string | null;
}

export class FleetRuns {
  private readonly sources: string;
  private readonly runs: string;
  private readonly datasets: string;

  constructor(
    private readonly db: pg.Pool,
    schema: string,
  ) {
    this.sources = `${ident(schema)}.sources`;
    this.runs = `${ident(schema)}.sync_runs`;
    this.datasets = `${ident(schema)}.sync_run_datasets`;
  }

  /**
   * Each source's latest finished sync run, by source name. A running sync is left out: until it
   * ends, the last outcome is the one before it.
   */
  async lastFinishedSyncs(): Promise<Map<string, RunRecord>> {
    const result = await this.db.query<Record<string, unknown>>(
      `SELECT r.* FROM ${this.sources} s
         CROSS JOIN LATERAL (
           SELECT * FROM ${this.runs} WHERE source = s.name AND kind = 'sync' AND status <> 'running'
            ORDER BY started_at DESC LIMIT 1) r`,
    );
    return new Map(result.rows.map((row) => [row.source as string, toRun(row)]));
  }

  /** The failed datasets of these runs, in dataset and administration order. */
  async failedDatasets(runIds: readonly string[]): Promise<FailedDataset[]> {
    if (runIds.length === 0) return [];
    const result = await this.db.query<{
      run_id: string;
      dataset: string;
      administration: number;
      error: string | null;
    }>(
      `SELECT run_id, dataset, administration, error FROM ${this.datasets}
        WHERE run_id = ANY($1::text[]) AND status = 'failed' ORDER BY run_id, dataset, administration`,
      [runIds],
    );
    return result.rows.map((row) => ({
      runId: row.run_id,
      dataset: row.dataset,
      administration: row.administration,
      error: row.error,
    }));
  }

  /**
   * Failed and partial runs (of any kind) started in the last `sinceSeconds`, newest first, of
   * every source or of one.
   */
  async failedRuns(options: { sinceSeconds: number; limit: number; source?: string }): Promise<RunRecord[]> {
    const result = await this.db.query<Record<string, unknown>>(
      `SELECT r.* FROM ${this.sources} s
         CROSS JOIN LATERAL (
           SELECT * FROM ${this.runs}
            WHERE source = s.name AND started_at >= now() - make_interval(secs => $1)
              AND status IN ('failed', 'partial')
            ORDER BY started_at DESC LIMIT $2) r
        WHERE $3::text IS NULL OR s.name = $3
        ORDER BY r.started_at DESC, r.run_id LIMIT $2`,
      [options.sinceSeconds, options.limit, options.source ?? null],
    );
    return result.rows.map(toRun);
  }
}
