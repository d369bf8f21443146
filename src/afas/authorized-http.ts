// Authenticated requests to one AFAS environment: the keep-alive transport, the credential's
// `Authorization` header, the one renewal after an access token AFAS calls invalid, and error
// texts scrubbed of every secret the credential knows. The API surface lives in client.ts.

import { ClassicTokenAuth, type AfasAuth } from './auth.js';
import {
  DEFAULT_CONNECTIONS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  checkedAuth,
  positiveInteger,
  requestHeaders,
  type AfasCallGate,
  type AfasConnectionOptions,
} from './connection-options.js';
import { AfasUsageError, type AfasRequestInfo } from './errors.js';
import { httpError, HttpTransport, type HttpMethod, type HttpResponse } from './http.js';
import { OAuthClientAuth } from './oauth.js';

export interface RequestContext {
  readonly connector?: string;
  readonly skip?: number;
  readonly take?: number;
}

export interface SendOptions extends RequestContext {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly query?: string;
  readonly body?: unknown;
}

export interface Sent {
  readonly res: HttpResponse;
  readonly info: AfasRequestInfo;
}

const PATH_IN_ERRORS_MAX = 300;

export class AuthorizedHttp {
  readonly #origin: string;
  readonly #basePath: string;
  /** The credential: a classic token, or an OAuth client with its cached access token. */
  readonly #auth: AfasAuth;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #timeoutMs: number;
  readonly #http: HttpTransport;
  readonly #gate: AfasCallGate | undefined;
  #closed = false;

  /** `baseUrl` as resolved (and checked) from the options, without a trailing slash. */
  constructor(options: AfasConnectionOptions, baseUrl: string) {
    const url = new URL(baseUrl);
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#gate = options.callGate;
    const credential = checkedAuth(options);
    // A malformed classic token fails here, before a connection pool exists.
    const classic = credential.kind === 'token' ? new ClassicTokenAuth(credential.token) : null;
    this.#headers = requestHeaders(options);
    this.#timeoutMs = positiveInteger(
      options.requestTimeoutMs,
      DEFAULT_REQUEST_TIMEOUT_MS,
      'requestTimeoutMs',
    );
    this.#http = new HttpTransport({
      connections: positiveInteger(options.connections, DEFAULT_CONNECTIONS, 'connections'),
      maxResponseBytes: positiveInteger(
        options.maxResponseBytes,
        DEFAULT_MAX_RESPONSE_BYTES,
        'maxResponseBytes',
      ),
    });
    this.#auth =
      credential.kind === 'oauth'
        ? new OAuthClientAuth(credential, {
            transport: this.#http,
            origin: this.#origin,
            path: `${this.#basePath}/oauth/token`,
            headers: this.#headers,
            timeoutMs: this.#timeoutMs,
          })
        : (classic ?? new ClassicTokenAuth(credential.token));
  }

  /** Replaces every secret of the credential (token, client secret, access tokens) in a text. */
  redact(text: string): string {
    return this.#auth.redact(text);
  }

  /** Closes the keep-alive pool; later calls throw AfasUsageError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#http.close();
  }

  assertOpen(): void {
    if (this.#closed) throw new AfasUsageError('AfasClient is closed');
  }

  #info(method: HttpMethod, pathAndQuery: string, context: RequestContext): AfasRequestInfo {
    let path = this.redact(pathAndQuery);
    if (path.length > PATH_IN_ERRORS_MAX) path = `${path.slice(0, PATH_IN_ERRORS_MAX)}…`;
    const info: { -readonly [K in keyof AfasRequestInfo]: AfasRequestInfo[K] } = { method, path };
    if (context.connector !== undefined) info.connector = context.connector;
    if (context.skip !== undefined) info.skip = context.skip;
    if (context.take !== undefined) info.take = context.take;
    return info;
  }

  /** Sends a request below the base URL; a non-2xx answer throws its AfasHttpError. */
  async send(method: HttpMethod, path: string, options: SendOptions): Promise<Sent> {
    this.assertOpen();
    const query = options.query ?? '';
    const info = this.#info(method, path + query, options);
    let headers = this.#headers;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers = { ...headers, 'content-type': 'application/json; charset=utf-8' };
    }
    const timeoutMs = positiveInteger(options.timeoutMs, this.#timeoutMs, 'timeoutMs');
    const redact = (text: string) => this.redact(text);
    // An access token AFAS calls invalid (revoked, expired early) is renewed once and the call
    // sent once more: a 401 comes before AFAS executes anything, so even an insert is safe to repeat.
    for (let attempt = 1; ; attempt++) {
      // The token (when one must be fetched) comes before the budget: a token request is not a
      // connector call, and fetching it while holding a place would keep the place idle.
      const authorization = await this.#auth.authorization(options.signal);
      const request = () =>
        this.#http.send({
          method,
          origin: this.#origin,
          path: this.#basePath + path + query,
          headers: { ...headers, authorization },
          ...(body === undefined ? {} : { body }),
          signal: options.signal,
          timeoutMs,
          info,
          redact,
        });
      // The place is held from sending until the body is read (HttpTransport reads it whole), and
      // the timeout starts only once the request is sent, so waiting for a place never times out.
      const res = this.#gate ? await this.#gate(options.signal, request) : await request();
      if (res.status >= 200 && res.status < 300) return { res, info };
      const renewed =
        res.status === 401 && attempt === 1 && this.#auth.renewAfterRejection(authorization, res);
      if (!renewed) throw httpError(res, info, query.length, redact);
    }
  }
}
