// GetConnector paging: skip/take (always sorted), keyset (`key > last`), and split OR filters.
// Pure orchestration over a page-fetching function; the client supplies the HTTP part.

import {
  AfasAbortError,
  AfasBadResponseError,
  AfasDataError,
  AfasQueryTooLongError,
  AfasUsageError,
} from './errors.js';
import {
  encodeFilter,
  needsJsonEncoding,
  normalizeFilter,
  where,
  type AfasFilter,
  type FilterCondition,
  type FilterValue,
} from './filters.js';
import type { ScannedPage } from './page-scan.js';
import { planFilterSplit, type FilterGroups } from './query-split.js';
import { buildQuery, MAX_QUERY_LENGTH } from './urls.js';
import { formatRowKey, type AfasRawValue, type AfasRow } from './values.js';

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

/** One GetConnector page. */
export interface AfasPage {
  /**
   * The page's rows. For a scanned page (see `scanned`) they are parsed on first use: a consumer
   * that can work from the scan never pays for them. The consumer may empty a parsed array once it
   * has what it needs (the import does, so a page's row objects die young): the iterator decides
   * everything before it yields a page.
   */
  readonly rows: AfasRow[];
  /** How many rows the page has (without parsing them). */
  readonly rowCount: number;
  /** The page's last row (parsed on its own for a scanned page), if it has rows. */
  readonly lastRow: () => AfasRow | undefined;
  /**
   * The page's JSON bytes with the position of every row and value, when it is compact and free
   * of escapes (see scanPage()); null when the page was parsed.
   */
  readonly scanned: ScannedPage | null;
  /**
   * The page's JSON text held no backslash: no string in the rows, name or value, holds a NUL, a
   * lone surrogate, a quote, a backslash or a control character.
   */
  readonly plain: boolean;
  readonly skip: number;
  readonly take: number;
  /** HTTP time: request sent until the body was read. */
  readonly requestMs: number;
  /** Response body size (decoded). */
  readonly bytes: number;
  /** Time to parse the JSON. */
  readonly parseMs: number;
  /** Which part of a split filter this page belongs to (0-based), and how many parts there are. */
  readonly part: number;
  readonly parts: number;
  /** True on the last page of the whole iteration. */
  readonly last: boolean;
  /** Where to resume after this page (`{ part, skip }` → options `part`/`skip`; `{ after }` → `keyset.after`), or null when done. */
  readonly next: AfasPageCursor | null;
}

/** Resume position: skip mode `{ part, skip }`, keyset mode `{ part, after }`. */
export type AfasPageCursor =
  { readonly part: number; readonly skip: number } | { readonly part: number; readonly after: AfasRawValue };

export interface KeysetOptions {
  /** A single, unique, sortable key field (ideally an integer index field). */
  readonly field: string;
  /** Resume after this key value (exclusive). */
  readonly after?: FilterValue | null;
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
  /** Keyset mode: `field > after`, ascending on that one field, instead of skip. */
  readonly keyset?: KeysetOptions;
  readonly signal?: AbortSignal;
  /** Per-request timeout override. */
  readonly timeoutMs?: number;
}

/** A page as fetched, before paging bookkeeping. */
export interface FetchedPage {
  /** Parsed on first use when the page was scanned. */
  readonly rows: AfasRow[];
  readonly rowCount: number;
  readonly lastRow: () => AfasRow | undefined;
  readonly scanned: ScannedPage | null;
  readonly plain: boolean;
  /** `take` echoed by AFAS, when it is a positive integer. */
  readonly echoedTake: number | null;
  readonly requestMs: number;
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

/** AFAS date-times end in `Z`, filter values must not: turn a raw key value into a filter value. */
function keysetFilterValue(raw: string | number | boolean): FilterValue {
  if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/.test(raw))
    return raw.slice(0, -1);
  return raw;
}

/** The row fields of a page whose rows are already parsed. */
export function parsedRows(
  rows: AfasRow[],
  plain: boolean,
): Pick<AfasPage, 'rows' | 'rowCount' | 'lastRow' | 'scanned' | 'plain'> {
  return { rows, rowCount: rows.length, lastRow: () => rows[rows.length - 1], scanned: null, plain };
}

/** Where a page stands in the iteration: everything of AfasPage but its rows. */
type PagePosition = Omit<AfasPage, 'rows' | 'rowCount' | 'lastRow' | 'scanned' | 'plain'>;

/**
 * A page of rows as fetched: a scanned page's rows stay unparsed until read. (Written out, not
 * spread: spreading would read the `rows` getter, and so parse the page.)
 */
function pageAsFetched(fetched: FetchedPage, position: PagePosition): AfasPage {
  return {
    get rows() {
      return fetched.rows;
    },
    rowCount: fetched.rowCount,
    lastRow: fetched.lastRow,
    scanned: fetched.scanned,
    plain: fetched.plain,
    skip: position.skip,
    take: position.take,
    requestMs: position.requestMs,
    bytes: position.bytes,
    parseMs: position.parseMs,
    part: position.part,
    parts: position.parts,
    last: position.last,
    next: position.next,
  };
}

function checkSignal(signal: AbortSignal | undefined, connector: string): void {
  if (signal?.aborted) throw new AfasAbortError(`GetConnector ${connector}: paging was aborted`);
}

/**
 * Iterates the pages of a GetConnector. Skip mode: `skip += rows` until a short page. Split mode
 * (an OR filter too long for one query): each part is paged on its own, and rows already returned
 * by an earlier part (same key = orderBy fields) are dropped. Keyset mode: `field > last` each page.
 */
export async function* iteratePages(
  connector: string,
  options: PagesOptions,
  plan: PagePlan,
  fetch: PageFetcher,
): AsyncGenerator<AfasPage, void, undefined> {
  if (options.keyset !== undefined) {
    yield* iterateKeyset(connector, options, options.keyset, plan, fetch);
    return;
  }
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
      const position: PagePosition = {
        skip,
        take: plan.take,
        requestMs: fetched.requestMs,
        bytes: fetched.bytes,
        parseMs: fetched.parseMs,
        part,
        parts,
        last,
        next: last ? null : partDone ? { part: part + 1, skip: 0 } : { part, skip: nextSkip },
      };
      if (seen === null) {
        yield pageAsFetched(fetched, position);
      } else {
        const rows = fetched.rows.filter((row) => {
          const key = keyOf(row, plan.orderBy);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        yield { ...parsedRows(rows, fetched.plain), ...position };
      }
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

async function* iterateKeyset(
  connector: string,
  options: PagesOptions,
  keyset: KeysetOptions,
  plan: PagePlan,
  fetch: PageFetcher,
): AsyncGenerator<AfasPage, void, undefined> {
  const [order, ...rest] = plan.orderBy;
  if (order === undefined || rest.length > 0 || order.descending || order.field !== keyset.field) {
    throw new AfasUsageError(
      `GetConnector ${connector}: keyset mode pages on one ascending key field; orderBy must be [${JSON.stringify(keyset.field)}]`,
    );
  }
  if (options.skip !== undefined || options.part !== undefined) {
    throw new AfasUsageError(
      `GetConnector ${connector}: keyset mode resumes with keyset.after, not skip/part`,
    );
  }
  if (plan.parts.length === 0) return;
  if (plan.parts.length > 1) {
    throw new AfasQueryTooLongError(
      `GetConnector ${connector}: the keyset filter does not fit one query string (limit ${MAX_QUERY_LENGTH}); ` +
        'keyset mode does not split filters — use skip mode or a shorter filter',
      MAX_QUERY_LENGTH + 1,
      MAX_QUERY_LENGTH,
    );
  }
  const extra: AfasFilter | undefined =
    plan.parts[0] === null || plan.parts[0] === undefined ? undefined : { groups: plan.parts[0] };
  let after: FilterValue | null = keyset.after ?? null;
  let previousKey: string | null = null;
  for (;;) {
    checkSignal(options.signal, connector);
    const keyCondition = after === null ? undefined : where.gt(keyset.field, after);
    const parts = [extra, keyCondition].filter((p): p is AfasFilter | FilterCondition => p !== undefined);
    const normalized = normalizeFilter(parts.length === 0 ? undefined : where.and(...parts));
    const groups = normalized.kind === 'groups' ? normalized.groups : null;
    const json = groups !== null && needsJsonEncoding(groups);
    const fetched = await fetchChecked(
      connector,
      { skip: 0, take: plan.take, orderBy: plan.orderBy, groups, json },
      fetch,
    );
    const effectiveTake = Math.min(plan.take, fetched.echoedTake ?? plan.take);
    const done = fetched.rowCount === 0 || fetched.rowCount < effectiveTake;
    const lastRow = fetched.lastRow();
    let lastKey: string | number | boolean | null = null;
    if (lastRow !== undefined) {
      lastKey = lastRow[keyset.field] ?? null;
      if (lastKey === null) {
        const rowKey = formatRowKey(lastRow, [keyset.field]);
        throw new AfasDataError(
          `AFAS data error in connector ${connector}, row ${rowKey}: keyset field ${keyset.field} is missing or null`,
          connector,
          keyset.field,
          rowKey,
        );
      }
      const keyText = JSON.stringify(lastKey);
      if (keyText === previousKey) {
        throw new AfasBadResponseError(
          `GetConnector ${connector}: keyset paging on ${keyset.field} did not advance past ${keyText}; ` +
            'is the key unique and the filter applied?',
        );
      }
      previousKey = keyText;
    }
    yield pageAsFetched(fetched, {
      skip: 0,
      take: plan.take,
      requestMs: fetched.requestMs,
      bytes: fetched.bytes,
      parseMs: fetched.parseMs,
      part: 0,
      parts: 1,
      last: done,
      next: done || lastKey === null ? null : { part: 0, after: lastKey },
    });
    if (done || lastKey === null) return;
    after = keysetFilterValue(lastKey);
  }
}

function compareRaw(a: AfasRawValue | undefined, b: AfasRawValue | undefined): number {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === typeof y) return x < y ? -1 : x > y ? 1 : 0;
  const rank = (v: AfasRawValue): number => (typeof v === 'boolean' ? 0 : typeof v === 'number' ? 1 : 2);
  return rank(x) - rank(y);
}

/** Sorts rows by the orderBy fields (nulls first; numbers numerically; strings by code unit). */
export function sortRows(rows: AfasRow[], orderBy: readonly OrderField[]): AfasRow[] {
  return rows.sort((r1, r2) => {
    for (const { field, descending } of orderBy) {
      const c = compareRaw(r1[field], r2[field]);
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
}
