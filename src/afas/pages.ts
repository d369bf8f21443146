// GetConnector paging: skip/take (always sorted) and split OR filters.
// Pure orchestration over a page-fetching function; the client supplies the HTTP part.

import type { ScannedPage } from '../codec/index.js';
import { AfasAbortError, AfasQueryTooLongError, AfasUsageError } from './errors.js';
import { encodeFilter, normalizeFilter, type AfasFilter, type FilterCondition } from './filters.js';
import { pageOfRows } from './page-body.js';
import { planFilterSplit, type FilterGroups } from './query-split.js';
import { buildQuery, MAX_QUERY_LENGTH } from './urls.js';
import type { AfasRow } from './values.js';

/** AFAS guidance: columns × take ≤ 150,000 cells per page. */
export const MAX_CELLS_PER_PAGE = 150_000;
export const MAX_TAKE = 10_000;
export const MIN_TAKE = 1;

/** Skip reserved when planning a split, so the query still fits as skip grows while paging. */
const SKIP_RESERVE = 9_999_999_999;

/** Page size for a connector with this many columns: floor(150,000 / columns), within [1, 10,000]. */
export function takeForColumns(columns: number): number {
  if (!Number.isInteger(columns) || columns < 1) {
    throw new AfasUsageError(`column count must be a positive integer, got ${String(columns)}`);
  }
  return Math.max(MIN_TAKE, Math.min(MAX_TAKE, Math.floor(MAX_CELLS_PER_PAGE / columns)));
}

export interface OrderField {
  readonly field: string;
  readonly descending: boolean;
}

/** Validates `orderbyfieldids` entries (`Field` or `-Field` for descending). */
export function parseOrderBy(orderBy: readonly string[] | undefined, connector: string): OrderField[] {
  if (!Array.isArray(orderBy) || orderBy.length === 0) {
    throw new AfasUsageError(
      `GetConnector ${connector}: orderBy (the key fields) is required for paging; ` +
        'without orderbyfieldids AFAS may skip or repeat rows between pages',
    );
  }
  return orderBy.map((entry) => {
    if (typeof entry !== 'string')
      throw new AfasUsageError(`GetConnector ${connector}: orderBy entries must be strings`);
    const descending = entry.startsWith('-');
    const field = descending ? entry.slice(1) : entry;
    if (field.length === 0 || /[,;]/.test(field)) {
      throw new AfasUsageError(`GetConnector ${connector}: invalid orderBy field ${JSON.stringify(entry)}`);
    }
    return { field, descending };
  });
}

export interface ConnectorQuery {
  readonly skip: number;
  readonly take: number;
  readonly orderBy: readonly OrderField[];
  readonly groups: FilterGroups | null;
  readonly json: boolean;
}

/** The GetConnector query string (from `?`). */
export function connectorQueryString(q: ConnectorQuery): string {
  const params: [string, string][] = [
    ['skip', String(q.skip)],
    ['take', String(q.take)],
    [
      'orderbyfieldids',
      q.orderBy.map((o) => encodeURIComponent(o.descending ? `-${o.field}` : o.field)).join(','),
    ],
  ];
  if (q.groups !== null) params.push(...encodeFilter(q.groups, q.json));
  return buildQuery(params);
}

/** A page's rows as fetched: the response body, and how to read it. A plain value. */
export interface PageBody {
  /** The response body (UTF-8 JSON `{ …, "rows": [ … ] }`). */
  readonly body: Buffer;
  /**
   * Where every row, field name and value stands in `body` when the JSON is compact and free of
   * escapes (see codec/scan.ts); null when the page had to be parsed. Encoders copy from it.
   */
  readonly scanned: ScannedPage | null;
  /**
   * The JSON held no backslash: no string in the rows, name or value, holds a NUL, a lone
   * surrogate, a quote, a backslash or a control character.
   */
  readonly plain: boolean;
  readonly rowCount: number;
  /**
   * The rows, parsed from `body` on each call (nothing is cached: hold the result as long as you
   * need it, and the page stays bytes). Rows come exactly as AFAS sent them, except that a number
   * literal that does not survive a float64 round trip is kept as its exact decimal string.
   */
  readonly parse: () => AfasRow[];
  /** The last row (parsed on its own when the page is scanned), if the page has rows. */
  readonly lastRow: () => AfasRow | undefined;
}

/** One GetConnector page. */
export interface AfasPage extends PageBody {
  readonly skip: number;
  readonly take: number;
  /** HTTP time: request sent until the body was read. */
  readonly requestMs: number;
  /** AFAS's clock when it answered (its `Date` header, ms since the epoch); null when missing or garbled. */
  readonly responseDateMs: number | null;
  /** Response body size (decoded). */
  readonly bytes: number;
  /** Time to scan (or parse) the JSON. */
  readonly parseMs: number;
  /** Which part of a split filter this page belongs to (0-based), and how many parts there are. */
  readonly part: number;
  readonly parts: number;
  /** True on the last page of the whole iteration. */
  readonly last: boolean;
  /** Where to resume after this page (options `part`/`skip`), or null when done. */
  readonly next: AfasPageCursor | null;
}

/** Resume position of a page iteration. */
export interface AfasPageCursor {
  readonly part: number;
  readonly skip: number;
}

export interface PagesOptions {
  /** Key fields to sort on (`-Field` = descending). Required. */
  readonly orderBy: readonly string[];
  readonly filter?: AfasFilter | FilterCondition;
  /** Rows per page; default from the column count (see takeForColumns). At most MAX_TAKE. */
  readonly take?: number;
  /** Column count used to derive take (default: from the connector's metainfo). */
  readonly columns?: number;
  /** Skip mode: start (resume) at this skip (default 0), within `part`. */
  readonly skip?: number;
  /** Skip mode with a split filter: start (resume) at this part (default 0); see AfasPage.next. */
  readonly part?: number;
  readonly signal?: AbortSignal;
  /** Per-request timeout override. */
  readonly timeoutMs?: number;
}

/** A page as fetched, before paging bookkeeping. */
export interface FetchedPage extends PageBody {
  /** `take` echoed by AFAS, when it is a positive integer. */
  readonly echoedTake: number | null;
  readonly requestMs: number;
  readonly responseDateMs: number | null;
  readonly bytes: number;
  readonly parseMs: number;
}

export type PageFetcher = (query: ConnectorQuery, queryString: string) => Promise<FetchedPage>;

export interface PagePlan {
  readonly orderBy: readonly OrderField[];
  readonly take: number;
  readonly json: boolean;
  /** null = no filter at all; [] = matches nothing (no request is sent). */
  readonly parts: readonly (FilterGroups | null)[];
}

function validateTake(take: number, connector: string): void {
  if (!Number.isInteger(take) || take < MIN_TAKE || take > MAX_TAKE) {
    throw new AfasUsageError(
      `GetConnector ${connector}: take must be an integer from ${MIN_TAKE} to ${MAX_TAKE}, got ${String(take)}`,
    );
  }
}

function measureWith(orderBy: readonly OrderField[], take: number) {
  return (groups: FilterGroups, json: boolean): number =>
    connectorQueryString({ skip: SKIP_RESERVE, take, orderBy, groups, json }).length;
}

/** Plans the request series: one part, or several when an OR filter does not fit one query string. */
export function planPages(connector: string, options: PagesOptions, take: number): PagePlan {
  const orderBy = parseOrderBy(options.orderBy, connector);
  validateTake(take, connector);
  const normalized = normalizeFilter(options.filter);
  if (normalized.kind === 'none') return { orderBy, take, json: false, parts: [] };
  // Without a filter the query is short; fetchChecked still guards every request.
  if (normalized.kind === 'all') return { orderBy, take, json: false, parts: [null] };
  const plan = planFilterSplit(normalized.groups, measureWith(orderBy, take), MAX_QUERY_LENGTH);
  return { orderBy, take, json: plan.json, parts: plan.parts };
}

function keyOf(row: AfasRow, fields: readonly OrderField[]): string {
  return JSON.stringify(fields.map((f) => row[f.field] ?? null));
}

/** The rows of a split part's page that no earlier page returned (same key = orderBy fields). */
function unseenRows(page: PageBody, seen: Set<string>, orderBy: readonly OrderField[]): PageBody {
  return pageOfRows(
    page.parse().filter((row) => {
      const key = keyOf(row, orderBy);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  );
}

function checkSignal(signal: AbortSignal | undefined, connector: string): void {
  if (signal?.aborted) throw new AfasAbortError(`GetConnector ${connector}: paging was aborted`);
}

/**
 * Iterates the pages of a GetConnector. Skip mode: `skip += rows` until a short page. Split mode
 * (an OR filter too long for one query): each part is paged on its own, and rows already returned
 * by an earlier part (same key = orderBy fields) are dropped.
 */
export async function* iteratePages(
  connector: string,
  options: PagesOptions,
  plan: PagePlan,
  fetch: PageFetcher,
): AsyncGenerator<AfasPage, void, undefined> {
  const parts = plan.parts.length;
  const startPart = options.part ?? 0;
  const startSkip = options.skip ?? 0;
  if (!Number.isInteger(startPart) || startPart < 0 || (parts > 0 && startPart >= parts)) {
    throw new AfasUsageError(
      `GetConnector ${connector}: part ${String(startPart)} is out of range (0..${parts - 1})`,
    );
  }
  if (!Number.isInteger(startSkip) || startSkip < 0) {
    throw new AfasUsageError(`GetConnector ${connector}: skip must be a non-negative integer`);
  }
  const seen = parts > 1 ? new Set<string>() : null;
  for (let part = startPart; part < parts; part++) {
    const groups = plan.parts[part] ?? null;
    let skip = part === startPart ? startSkip : 0;
    for (;;) {
      checkSignal(options.signal, connector);
      const query: ConnectorQuery = { skip, take: plan.take, orderBy: plan.orderBy, groups, json: plan.json };
      const fetched = await fetchChecked(connector, query, fetch);
      const effectiveTake = Math.min(plan.take, fetched.echoedTake ?? plan.take);
      const partDone = fetched.rowCount === 0 || fetched.rowCount < effectiveTake;
      const nextSkip = skip + fetched.rowCount;
      const last = partDone && part === parts - 1;
      const position = {
        skip,
        take: plan.take,
        requestMs: fetched.requestMs,
        responseDateMs: fetched.responseDateMs,
        bytes: fetched.bytes,
        parseMs: fetched.parseMs,
        part,
        parts,
        last,
        next: last ? null : partDone ? { part: part + 1, skip: 0 } : { part, skip: nextSkip },
      };
      yield { ...(seen === null ? fetched : unseenRows(fetched, seen, plan.orderBy)), ...position };
      if (partDone) break;
      skip = nextSkip;
    }
  }
}

async function fetchChecked(
  connector: string,
  query: ConnectorQuery,
  fetch: PageFetcher,
): Promise<FetchedPage> {
  const queryString = connectorQueryString(query);
  if (queryString.length > MAX_QUERY_LENGTH) {
    throw new AfasQueryTooLongError(
      `GetConnector ${connector}: the query string would be ${queryString.length} characters ` +
        `(AFAS limit ${MAX_QUERY_LENGTH}); it was not sent`,
      queryString.length,
      MAX_QUERY_LENGTH,
      {
        request: {
          method: 'GET',
          path: `/connectors/${connector}`,
          connector,
          skip: query.skip,
          take: query.take,
        },
      },
    );
  }
  return fetch(query, queryString);
}
