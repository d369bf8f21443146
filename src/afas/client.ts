// The AFAS Profit REST client: metainfo, GetConnector pages, UpdateConnectors, profit version.
// No retries here: callers (activities) decide with classifyAfasError().

import { AuthorizedHttp, type SendOptions } from './authorized-http.js';
import type { AfasConnectionOptions } from './connection-options.js';
import { AfasBadResponseError, AfasUsageError, type AfasRequestInfo } from './errors.js';
import { responseDateMs, type HttpMethod, type HttpResponse } from './http.js';
import { parseAfasJson } from './json.js';
import { pageBody } from './page-body.js';
import {
  parseGetConnectorMeta,
  parseMetainfo,
  parseProfitVersion,
  parseUpdateConnectorMeta,
  type AfasMetainfo,
  type GetConnectorMeta,
  type MetainfoParseResult,
  type UpdateConnectorMeta,
} from './metainfo.js';
import {
  iteratePages,
  planPages,
  takeForColumns,
  type AfasPage,
  type ConnectorQuery,
  type FetchedPage,
  type PagesOptions,
} from './pages.js';
import {
  checkEnvelope,
  deletePath,
  updateResults,
  type AfasUpdateResult,
  type DeleteKeySegment,
  type UpdateEnvelope,
} from './update.js';
import { pathSegment, resolveBaseUrl } from './urls.js';

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface UpdateOptions extends RequestOptions {
  /** POST to `/connectors/{id}/{subObject}` (insert sub-rows, e.g. `FiBudget/BudgetLines`). */
  readonly subObject?: string;
}

/** A response body as text (UTF-8, without a byte-order mark). */
function responseText(res: HttpResponse): string {
  return res.body.toString('utf8').replace(/^\uFEFF/, '');
}

export class AfasClient {
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  /** Authenticated requests: transport, credential, renewal, redaction. */
  readonly #http: AuthorizedHttp;
  /** Successful GetConnector descriptions (only successes: one caller's abort must not fail another). */
  readonly #describeCache = new Map<string, { meta: GetConnectorMeta; at: number }>();
  readonly #metainfoCacheMs: number;

  constructor(options: AfasConnectionOptions) {
    this.baseUrl = resolveBaseUrl(options);
    this.#metainfoCacheMs = options.metainfoCacheMs ?? 300_000;
    if (!Number.isInteger(this.#metainfoCacheMs) || this.#metainfoCacheMs < 0) {
      throw new AfasUsageError('metainfoCacheMs must be a whole number of milliseconds, 0 or more');
    }
    this.#http = new AuthorizedHttp(options, this.baseUrl);
  }

  // ---- metainfo ------------------------------------------------------------------------------

  /** `GET /metainfo`: connectors available to this token, and session info. */
  async metainfo(options: RequestOptions = {}): Promise<AfasMetainfo> {
    const { body, info } = await this.#getJson('/metainfo', options);
    return this.#validated(parseMetainfo(body), 'metainfo', info);
  }

  /** `GET /metainfo/get/{id}`: fields and data types of a GetConnector (successes cached, see metainfoCacheMs). */
  async describeGetConnector(connectorId: string, options: RequestOptions = {}): Promise<GetConnectorMeta> {
    const cached = this.#describeCache.get(connectorId);
    if (cached !== undefined && Date.now() - cached.at < this.#metainfoCacheMs) return cached.meta;
    const path = `/metainfo/get/${pathSegment(connectorId, 'GetConnector id')}`;
    const { body, info } = await this.#getJson(path, { ...options, connector: connectorId });
    const meta = this.#validated(
      parseGetConnectorMeta(body),
      `metainfo of GetConnector ${connectorId}`,
      info,
    );
    this.#describeCache.set(connectorId, { meta, at: Date.now() });
    return meta;
  }

  /** `GET /metainfo/update/{id}`: fields and (recursive) objects of an UpdateConnector. */
  async describeUpdateConnector(
    connectorId: string,
    options: RequestOptions = {},
  ): Promise<UpdateConnectorMeta> {
    const path = `/metainfo/update/${pathSegment(connectorId, 'UpdateConnector id')}`;
    const { body, info } = await this.#getJson(path, { ...options, connector: connectorId });
    return this.#validated(
      parseUpdateConnectorMeta(body),
      `metainfo of UpdateConnector ${connectorId}`,
      info,
    );
  }

  /** `GET /profitversion`, e.g. "22.22.5". */
  async profitVersion(options: RequestOptions = {}): Promise<string> {
    const { body, info } = await this.#getJson('/profitversion', options);
    return this.#validated(parseProfitVersion(body), 'profitversion', info);
  }

  // ---- GetConnectors -------------------------------------------------------------------------

  /**
   * Pages through a GetConnector (async iterator). Always sorted on `orderBy` (required). take defaults
   * to floor(150,000 / columns) capped to [1, 10,000]; the column count comes from `columns` or the
   * metainfo. Stops on a short page. Resume with `skip`/`part`.
   * An OR filter too long for one query string is split into parts, paged one after the other, with
   * rows already seen in an earlier part dropped.
   */
  async *pages(connectorId: string, options: PagesOptions): AsyncGenerator<AfasPage, void, undefined> {
    this.#http.assertOpen();
    pathSegment(connectorId, 'GetConnector id');
    let take = options.take;
    if (take === undefined) {
      const columns =
        options.columns ??
        (await this.describeGetConnector(connectorId, { signal: options.signal })).fields.length;
      take = takeForColumns(Math.max(1, columns));
    }
    const plan = planPages(connectorId, options, take);
    yield* iteratePages(connectorId, options, plan, (query, queryString) =>
      this.#fetchPage(connectorId, query, queryString, options),
    );
  }

  async #fetchPage(
    connector: string,
    query: ConnectorQuery,
    queryString: string,
    options: RequestOptions,
  ): Promise<FetchedPage> {
    const path = `/connectors/${pathSegment(connector, 'GetConnector id')}`;
    const { res, info } = await this.#http.send('GET', path, {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      query: queryString,
      connector,
      skip: query.skip,
      take: query.take,
    });
    const started = performance.now();
    const page = pageBody(
      res.body,
      `GetConnector ${connector} (skip ${query.skip}, take ${query.take})`,
      query.take,
      (message) => new AfasBadResponseError(message, { request: info }),
      (text) => this.#http.redact(text),
    );
    return {
      ...page,
      requestMs: res.requestMs,
      responseDateMs: responseDateMs(res.headers),
      bytes: res.body.length,
      parseMs: performance.now() - started,
    };
  }

  // ---- UpdateConnectors ----------------------------------------------------------------------

  /**
   * POST (insert). Build the envelope with `updateEnvelope()`. A network error or timeout after
   * sending leaves it unknown whether AFAS executed the insert: check before retrying.
   */
  async insert(
    connectorId: string,
    envelope: UpdateEnvelope,
    options: UpdateOptions = {},
  ): Promise<AfasUpdateResult> {
    let path = `/connectors/${pathSegment(connectorId, 'UpdateConnector id')}`;
    if (options.subObject !== undefined) path += `/${pathSegment(options.subObject, 'sub-object name')}`;
    return this.#update('POST', path, connectorId, envelope, options);
  }

  /** PUT (update): key fields plus the fields to change. */
  async update(
    connectorId: string,
    envelope: UpdateEnvelope,
    options: RequestOptions = {},
  ): Promise<AfasUpdateResult> {
    const path = `/connectors/${pathSegment(connectorId, 'UpdateConnector id')}`;
    return this.#update('PUT', path, connectorId, envelope, options);
  }

  /** DELETE by key path, e.g. `[{ object: 'KnSubject', keys: { SbId: 123 } }]` (nested for FiEntries). */
  async delete(
    connectorId: string,
    keyPath: readonly DeleteKeySegment[],
    options: RequestOptions = {},
  ): Promise<AfasUpdateResult> {
    return this.#update('DELETE', deletePath(connectorId, keyPath), connectorId, undefined, options);
  }

  async #update(
    method: HttpMethod,
    path: string,
    connector: string,
    envelope: UpdateEnvelope | undefined,
    options: RequestOptions,
  ): Promise<AfasUpdateResult> {
    if (envelope !== undefined) checkEnvelope(connector, envelope);
    const { res } = await this.#http.send(method, path, {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      connector,
      body: envelope,
    });
    return { status: res.status, results: updateResults(res.body) };
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /** Closes the keep-alive pool; later calls throw AfasUsageError. */
  async close(): Promise<void> {
    await this.#http.close();
  }

  async #getJson(path: string, options: SendOptions): Promise<{ body: unknown; info: AfasRequestInfo }> {
    const { res, info } = await this.#http.send('GET', path, options);
    return { body: this.#parseJson(res, info, `GET ${path}`), info };
  }

  #parseJson(res: HttpResponse, info: AfasRequestInfo, what: string): unknown {
    return this.#parseText(responseText(res), info, what);
  }

  #parseText(text: string, info: AfasRequestInfo, what: string): unknown {
    try {
      return parseAfasJson(text);
    } catch (err) {
      const detail = err instanceof Error ? this.#http.redact(err.message).slice(0, 200) : 'parse error';
      throw new AfasBadResponseError(`Malformed JSON in the response of ${what}: ${detail}`, {
        request: info,
      });
    }
  }

  #validated<T>(result: MetainfoParseResult<T>, what: string, info: AfasRequestInfo): T {
    if (result.ok) return result.value;
    throw new AfasBadResponseError(
      `Unexpected shape of the ${what} response: ${this.#http.redact(result.problem)}`,
      {
        request: info,
      },
    );
  }

  toString(): string {
    return `AfasClient(${this.baseUrl})`;
  }

  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
