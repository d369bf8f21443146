// HTTP transport: one keep-alive undici Agent per client, a per-request timeout, caller abort,
// bounded bodies, gzip/deflate decoding, and AFAS error-response decoding. Every error it throws
// is an AfasError with redacted text.

import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { Agent, type Dispatcher } from 'undici';
import {
  AfasAbortError,
  AfasBadResponseError,
  AfasHttpError,
  AfasNetworkError,
  AfasTimeoutError,
  type AfasErrorCause,
  type AfasRequestInfo,
} from './errors.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const brotliAsync = promisify(brotliDecompress);

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpTransportOptions {
  /** Keep-alive connections per origin. */
  readonly connections: number;
  /** Largest (decoded) response body accepted. */
  readonly maxResponseBytes: number;
}

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly origin: string;
  /** Absolute path including the query string. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs: number;
  /** What to put in errors (already redacted). */
  readonly info: AfasRequestInfo;
  /** Scrubs secrets from any text that goes into an error. */
  readonly redact: (text: string) => string;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** Decoded body. */
  readonly body: Buffer;
  /** Bytes received on the wire (before content decoding). */
  readonly wireBytes: number;
  /** From sending the request until the whole body was read and decoded. */
  readonly requestMs: number;
}

function normalizeHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * AFAS's clock when it answered: the `Date` header (an HTTP date, UTC), in ms since the epoch;
 * null when the header is missing or is not a date.
 */
export function responseDateMs(headers: Readonly<Record<string, string>>): number | null {
  const text = headers['date']?.trim();
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

function errorCode(err: unknown, depth = 0): string | null {
  if (typeof err !== 'object' || err === null || depth > 5) return null;
  const record = err as { code?: unknown; cause?: unknown };
  // undici wraps socket errors (UND_ERR_SOCKET) around the OS error (ECONNRESET …): prefer the OS code.
  const inner = errorCode(record.cause, depth + 1);
  if (inner !== null && !inner.startsWith('UND_ERR_')) return inner;
  return typeof record.code === 'string' ? record.code : inner;
}

function safeCause(err: unknown, redact: (text: string) => string): AfasErrorCause {
  if (err instanceof Error) {
    const code = errorCode(err);
    return { name: err.name, message: redact(err.message), ...(code === null ? {} : { code }) };
  }
  return { name: 'Error', message: redact(String(err)) };
}

function describe(info: AfasRequestInfo): string {
  return `AFAS ${info.method} ${info.path}`;
}

class BodyTooLargeError extends Error {}

async function readBody(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      body.destroy();
      throw new BodyTooLargeError();
    }
    chunks.push(buffer);
  }
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size);
}

async function decodeBody(raw: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  const options = { maxOutputLength: limit };
  switch ((encoding ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return raw;
    case 'gzip':
    case 'x-gzip':
      return gunzipAsync(raw, options);
    case 'deflate':
      return inflateAsync(raw, options);
    case 'br':
      return brotliAsync(raw, options);
    default:
      throw new Error(`unsupported content-encoding ${encoding ?? ''}`);
  }
}

export class HttpTransport {
  readonly #agent: Agent;
  readonly #maxResponseBytes: number;

  constructor(options: HttpTransportOptions) {
    this.#maxResponseBytes = options.maxResponseBytes;
    // Our own timer bounds each request; undici's header/body timeouts (300 s defaults) are disabled so
    // they never pre-empt a longer configured timeout. Keep-alive is undici's default (no `reset`).
    this.#agent = new Agent({
      connections: options.connections,
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 10_000,
      connect: { timeout: 10_000 },
    });
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const where = describe(req.info);
    if (req.signal?.aborted)
      throw new AfasAbortError(`${where} was aborted before it was sent`, { request: req.info });

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, req.timeoutMs);
    const onAbort = (): void => controller.abort(new Error('aborted'));
    req.signal?.addEventListener('abort', onAbort, { once: true });

    const started = performance.now();
    try {
      const res = await this.#agent.request({
        origin: req.origin,
        path: req.path,
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        signal: controller.signal,
      });
      const raw = await readBody(res.body, this.#maxResponseBytes);
      const headers = normalizeHeaders(res.headers);
      let body: Buffer;
      try {
        body = await decodeBody(raw, headers['content-encoding'], this.#maxResponseBytes);
      } catch (err) {
        throw new AfasBadResponseError(`${where}: the response body could not be decoded`, {
          request: req.info,
          cause: safeCause(err, req.redact),
        });
      }
      return {
        status: res.statusCode,
        headers,
        body,
        wireBytes: raw.length,
        requestMs: performance.now() - started,
      };
    } catch (err) {
      if (err instanceof AfasBadResponseError) throw err;
      if (timedOut) {
        throw new AfasTimeoutError(`${where} timed out after ${req.timeoutMs} ms`, req.timeoutMs, {
          request: req.info,
        });
      }
      if (req.signal?.aborted) throw new AfasAbortError(`${where} was aborted`, { request: req.info });
      if (err instanceof BodyTooLargeError) {
        throw new AfasBadResponseError(
          `${where}: the response body exceeds ${this.#maxResponseBytes} bytes`,
          {
            request: req.info,
          },
        );
      }
      const cause = safeCause(err, req.redact);
      const code = errorCode(err);
      throw new AfasNetworkError(`${where} failed: ${code ?? cause.name}: ${cause.message}`, code, {
        request: req.info,
        cause,
      });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  get closed(): boolean {
    return this.#agent.closed;
  }
}

/** Fields decoded from an AFAS error response (body first, then the base64 X-Profit-Error header). */
export interface DecodedErrorResponse {
  readonly afasMessage: string | null;
  readonly errorNumber: number | null;
  readonly profitLogReference: string | null;
  readonly retryAfterMs: number | null;
  readonly bodyExcerpt: string | null;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeProfitErrorHeader(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (BASE64.test(trimmed) && trimmed.length % 4 === 0) {
    const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
    if (!decoded.includes('\uFFFD') && decoded.trim() !== '') return decoded.trim();
  }
  return trimmed;
}

/** Seconds (or an HTTP date) from Retry-After, else the body's retry_after seconds; in ms. */
function parseRetryAfter(header: string | undefined, bodyValue: unknown, nowMs: number): number | null {
  if (header !== undefined && header.trim() !== '') {
    const text = header.trim();
    if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
    const date = Date.parse(text);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const seconds = typeof bodyValue === 'string' ? Number(bodyValue) : bodyValue;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0)
    return Math.round(seconds * 1000);
  return null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

export function decodeErrorResponse(
  res: HttpResponse,
  redact: (text: string) => string,
  nowMs = Date.now(),
): DecodedErrorResponse {
  const text = res.body.toString('utf8').replace(/^\uFEFF/, '');
  let json: Record<string, unknown> | null = null;
  if (text.trim() !== '') {
    try {
      json = asRecord(JSON.parse(text));
    } catch {
      json = null;
    }
  }
  const nestedError = asRecord(json?.error);
  const message =
    nonEmptyString(json?.externalMessage) ??
    nonEmptyString(nestedError?.message) ??
    nonEmptyString(json?.message) ??
    nonEmptyString(json?.error_description) ??
    decodeProfitErrorHeader(res.headers['x-profit-error']);
  const errorNumber = typeof json?.errorNumber === 'number' ? json.errorNumber : null;
  const reference =
    nonEmptyString(json?.profitLogReference) ?? nonEmptyString(res.headers['x-profit-log-reference']);
  const excerpt = json === null && text.trim() !== '' ? text.trim().slice(0, 300) : null;
  return {
    afasMessage: message === null ? null : redact(message),
    errorNumber,
    profitLogReference: reference === null ? null : redact(reference),
    retryAfterMs: parseRetryAfter(res.headers['retry-after'], json?.retry_after, nowMs),
    bodyExcerpt: excerpt === null ? null : redact(excerpt),
  };
}

/** The error for a non-2xx answer: AFAS's message, error number, log reference and Retry-After, redacted. */
export function httpError(
  res: HttpResponse,
  info: AfasRequestInfo,
  queryLength: number,
  redact: (text: string) => string,
): AfasHttpError {
  const decoded = decodeErrorResponse(res, redact);
  const parts = [decoded.afasMessage ?? decoded.bodyExcerpt ?? '(no message)'];
  if (decoded.errorNumber !== null) parts.push(`errorNumber ${decoded.errorNumber}`);
  if (decoded.profitLogReference !== null) parts.push(`profitLogReference ${decoded.profitLogReference}`);
  if (decoded.retryAfterMs !== null) parts.push(`retry after ${Math.round(decoded.retryAfterMs / 1000)} s`);
  return new AfasHttpError(
    `AFAS ${info.method} ${info.path} failed with HTTP ${res.status}: ${parts.join('; ')}`,
    { status: res.status, queryLength, ...decoded },
    { request: info },
  );
}
