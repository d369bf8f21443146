// Is any form of an AFAS token anywhere it must not be: the database, the workflow histories, the
// worker's output, its /metrics? Every finding names where, never the token itself.
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type pg from 'pg';
import { ident } from '../../src/db/pool.js';

export interface SecretScan {
  /** Places checked: tables, histories, output texts, metrics pages. */
  checked: { tables: number; histories: number; outputBytes: number; metricsBytes: number };
  /** `where: form n of token m`, empty when clean. */
  findings: string[];
}

/** Every form a token data string travels in: bare, XML, base64 of the XML, the header, a slice. */
export function tokenForms(tokens: readonly string[]): string[] {
  return tokens.flatMap((data) => {
    const xml = `<token><version>1</version><data>${data}</data></token>`;
    const base64 = Buffer.from(xml, 'utf8').toString('base64');
    return [data, xml, base64, `AfasToken ${base64}`, base64.slice(12, 44), data.slice(8, 40)];
  });
}

function scanText(where: string, text: string, forms: readonly string[], findings: string[]): void {
  forms.forEach((form, index) => {
    if (text.includes(form)) findings.push(`${where}: token form #${index}`);
  });
}

async function scanTables(
  pool: pg.Pool,
  schema: string,
  forms: readonly string[],
  findings: string[],
): Promise<number> {
  const tables = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
    [schema],
  );
  for (const { table_name: table } of tables.rows) {
    const hits = await pool.query<{ form: number }>(
      `SELECT DISTINCT f.ordinality - 1 AS form
         FROM ${ident(schema)}.${ident(table)} t, unnest($1::text[]) WITH ORDINALITY AS f(text, ordinality)
        WHERE strpos(t::text, f.text) > 0`,
      [forms],
    );
    for (const hit of hits.rows) findings.push(`table ${schema}.${table}: token form #${hit.form}`);
  }
  return tables.rows.length;
}

async function scanHistories(
  target: { client: Client; taskQueue: string },
  forms: readonly string[],
  findings: string[],
): Promise<number> {
  let histories = 0;
  for await (const { workflowId, history } of target.client.workflow
    .list({ query: `TaskQueue = '${target.taskQueue}'` })
    .intoHistories()) {
    // Histories of workflows deleted meanwhile come back empty.
    if (!history) continue;
    histories += 1;
    scanText(`history of ${workflowId}`, historyToJSON(history), forms, findings);
  }
  return histories;
}

async function scrapeMetrics(port: number | undefined): Promise<string> {
  if (port === undefined) return '';
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
  return response.text();
}

/** Scans the database schema, every workflow history on the queue, the worker output and /metrics. */
export async function scanForTokens(input: {
  tokens: readonly string[];
  pool: pg.Pool;
  schema: string;
  target: { client: Client; taskQueue: string };
  workerOutput: readonly string[];
  metricsPort?: number | undefined;
}): Promise<SecretScan> {
  const forms = tokenForms(input.tokens);
  const findings: string[] = [];
  const tables = await scanTables(input.pool, input.schema, forms, findings);
  const histories = await scanHistories(input.target, forms, findings);
  const output = input.workerOutput.join('');
  scanText('worker stdout/stderr', output, forms, findings);
  const metrics = await scrapeMetrics(input.metricsPort).catch((error: unknown) => {
    findings.push(`metrics: could not be scraped (${(error as Error).message})`);
    return '';
  });
  scanText('worker /metrics', metrics, forms, findings);
  return {
    checked: {
      tables,
      histories,
      outputBytes: Buffer.byteLength(output),
      metricsBytes: Buffer.byteLength(metrics),
    },
    findings,
  };
}
