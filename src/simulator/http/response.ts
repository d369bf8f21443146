import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { createGzip } from 'node:zlib';

import type { Clock } from '../clock.js';
import { localize, type Language } from '../connectors/types.js';
import { newProfitLogReference, type ProfitError } from '../errors.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Headers every AFAS Online answer carries (reference §2.4). */
const AFAS_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store, no-cache',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'deny',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Content-Type, Accept, Authorization, OnlineSessionId, Accept-Language',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Max-Age': '1728000',
  'X-AFAS-Proxy-Version': '4.3.0.0',
};

const MAINTENANCE_MESSAGE =
  'Service temporarily unavailable due to scheduled maintenance. Please check afasstatus.nl for details.';

/**
 * Response-level faults: cut the JSON short, drop the connection halfway through the body, or
 * drop it without answering at all (the call's work is done: an ambiguous outcome for the client).
 */
export interface ResponseFaults {
  malformed: boolean;
  reset: boolean;
  drop: boolean;
}

/**
 * Writes AFAS-style responses: JSON bodies (optionally gzip-compressed when the client accepts it),
 * streamed pages with backpressure, bare statuses, Profit errors and the 503 maintenance answer,
 * and applies the injected response faults.
 */
export class ResponseWriter {
  readonly faults: ResponseFaults = { malformed: false, reset: false, drop: false };
  /** When the request arrived (the writer is made as it arrives); latencies count from here. */
  private readonly arrivedAtMs = performance.now();
  private holdUntilMs = 0;

  /**
   * `afasClock`: an AFAS answer, with AFAS's headers and a `Date` from the simulator's clock (IIS
   * stamps every answer; clients read AFAS's "now" from it); null for the control API.
   */
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly language: Language,
    private readonly afasClock: Clock | null,
  ) {}

  get headersSent(): boolean {
    return this.res.headersSent;
  }

  /**
   * The answer, whatever it is (errors too), leaves no sooner than `ms` after the request arrived.
   * Each call waits on its own timer, so concurrent calls overlap instead of queueing.
   */
  answerNotBefore(ms: number): void {
    this.holdUntilMs = Math.max(this.holdUntilMs, this.arrivedAtMs + ms);
  }

  /** Waits out the answer's hold; false when the answer is dropped instead (the socket is gone). */
  private async mayAnswer(): Promise<boolean> {
    const wait = this.holdUntilMs - performance.now();
    if (wait > 0) await delay(wait);
    if (!this.faults.drop) return true;
    this.destroySocket();
    return false;
  }

  /** Status code and optional headers, no body. */
  async sendEmpty(status: number, headers: Record<string, string> = {}): Promise<void> {
    if (!(await this.mayAnswer())) return;
    this.writeHead(status, { ...headers, 'Content-Length': '0' });
    if (this.faults.reset) {
      this.res.flushHeaders();
      await delay(10);
      this.destroySocket();
      return;
    }
    this.res.end();
    await this.settled();
  }

  async sendJson(status: number, body: unknown, headers: Record<string, string> = {}): Promise<void> {
    await this.sendChunks(status, [JSON.stringify(body)], JSON_TYPE, headers);
  }

  async sendProfitError(error: ProfitError): Promise<void> {
    const externalMessage = localize(error.text, this.language);
    const body = {
      externalMessage,
      errorNumber: error.errorNumber,
      profitLogReference: newProfitLogReference(),
    };
    await this.sendJson(error.status, body, {
      'X-Profit-Error': Buffer.from(externalMessage, 'utf8').toString('base64'),
    });
  }

  async sendUnavailable(retryAfterSeconds: number | null): Promise<void> {
    const error = { code: '503', message: MAINTENANCE_MESSAGE };
    if (retryAfterSeconds === null) {
      await this.sendJson(503, { error });
      return;
    }
    await this.sendJson(
      503,
      { error, retry_after: retryAfterSeconds },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }

  /**
   * A token-endpoint answer: token responses and their errors must not be cached (RFC 6749 §5.1),
   * so `Cache-Control: no-store` and `Pragma: no-cache` replace AFAS's usual cache headers.
   */
  async sendOAuthJson(status: number, body: unknown, headers: Record<string, string> = {}): Promise<void> {
    await this.sendJson(status, body, { ...headers, 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  }

  /**
   * Writes a body made of text chunks. Chunks are produced lazily, so a million-row page never
   * exists as one string; writing waits for the socket to drain between chunks.
   */
  async sendChunks(
    status: number,
    chunks: Iterable<string>,
    contentType: string,
    headers: Record<string, string> = {},
  ): Promise<void> {
    if (!(await this.mayAnswer())) return;
    const iterator = chunks[Symbol.iterator]();
    if (this.faults.malformed || this.faults.reset) {
      await this.sendBrokenBody(status, iterator, contentType, headers);
      return;
    }
    const gzip = this.acceptsGzip();
    this.writeHead(status, {
      ...headers,
      'Content-Type': contentType,
      ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
    });
    let target: Writable = this.res;
    if (gzip) {
      const compressor = createGzip({ level: 1 });
      compressor.pipe(this.res);
      target = compressor;
    }
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      if (this.res.destroyed) {
        if (target !== this.res) target.destroy();
        return;
      }
      if (!target.write(next.value)) await this.drained(target);
    }
    target.end();
    await this.settled();
  }

  /** Half of the first chunk: a 200 with truncated JSON (malformed) or a dropped connection (reset). */
  private async sendBrokenBody(
    status: number,
    iterator: Iterator<string>,
    contentType: string,
    headers: Record<string, string>,
  ): Promise<void> {
    const first = iterator.next();
    const text = first.done === true ? '' : first.value;
    const partial = text.slice(0, Math.max(0, Math.floor(text.length / 2)));
    const bytes = Buffer.from(partial, 'utf8');
    if (this.faults.reset) {
      this.writeHead(status, { ...headers, 'Content-Type': contentType });
      await new Promise<void>((resolve) => {
        this.res.write(bytes, () => resolve());
      });
      this.destroySocket();
      return;
    }
    this.writeHead(status, {
      ...headers,
      'Content-Type': contentType,
      'Content-Length': String(bytes.length),
    });
    this.res.end(bytes);
    await this.settled();
  }

  private writeHead(status: number, headers: Record<string, string>): void {
    if (this.afasClock === null) {
      this.res.writeHead(status, headers);
      return;
    }
    const date = new Date(this.afasClock.nowInstantMs()).toUTCString();
    this.res.writeHead(status, { ...AFAS_HEADERS, Date: date, ...headers });
  }

  private acceptsGzip(): boolean {
    const header = this.req.headers['accept-encoding'];
    return typeof header === 'string' && /\bgzip\b/i.test(header);
  }

  private destroySocket(): void {
    this.res.socket?.destroy();
    this.res.destroy();
  }

  private drained(stream: Writable): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        stream.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      stream.once('drain', done);
      this.res.once('close', done);
    });
  }

  private async settled(): Promise<void> {
    try {
      await finished(this.res);
    } catch {
      // The client went away; nothing left to do for this response.
    }
  }
}
