// Client behaviour on exact HTTP responses from a tiny real server (cases the simulator cannot produce).
import { gzipSync } from 'node:zlib';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AfasClient } from '../../src/afas/client.js';
import { classifyAfasError } from '../../src/afas/classify.js';
import type { AfasConnectionSettings, AfasTokenAuth } from '../../src/afas/connection-options.js';
import {
  AfasAbortError,
  AfasBadResponseError,
  AfasError,
  AfasHttpError,
  AfasNetworkError,
  AfasQueryTooLongError,
  AfasTimeoutError,
  AfasUsageError,
} from '../../src/afas/errors.js';
import { where } from '../../src/afas/filters.js';
import { updateEnvelope } from '../../src/afas/update.js';
import { firstPage } from './helpers/collect-rows.js';
import { json, startTestServer, type Handler, type TestServer } from './helpers/http-server.js';

const DATA = '0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF';
const XML = `<token><version>1</version><data>${DATA}</data></token>`;
const B64 = Buffer.from(XML).toString('base64');

let handler: Handler = (_req, res) => json(res, 200, {});
let server: TestServer;
const clients: AfasClient[] = [];

/** Settings to override; the classic token only (the OAuth tests build their own clients). */
type Overrides = Partial<AfasConnectionSettings> & Partial<AfasTokenAuth>;

function client(options: Overrides = {}): AfasClient {
  const c = new AfasClient({
    environmentId: '12345',
    environmentType: 'test',
    baseUrl: server.baseUrl,
    token: XML,
    ...options,
  });
  clients.push(c);
  return c;
}

async function caught(promise: Promise<unknown>): Promise<AfasError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AfasError) return err;
    throw err;
  }
  throw new Error('expected an AfasError');
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(DATA);
  expect(text).not.toContain(B64);
  expect(text).not.toContain(XML);
}

beforeAll(async () => {
  server = await startTestServer((req, res) => handler(req, res));
});
afterEach(async () => {
  handler = (_req, res) => json(res, 200, {});
  server.requests.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(() => server.close());

describe('request headers and connection reuse', () => {
  it('sends AfasToken auth, JSON accept, IntegrationId, Accept-Language; keeps the connection alive', async () => {
    handler = (_req, res) => json(res, 200, { version: '22.22.5' });
    const c = client({ integrationId: '12345_678900', language: 'en-us' });
    for (let i = 0; i < 6; i++) expect(await c.profitVersion()).toBe('22.22.5');
    const [first] = server.requests;
    expect(first?.url).toBe('/ProfitRestServices/profitversion');
    expect(first?.headers.authorization).toBe(`AfasToken ${B64}`);
    expect(first?.headers.accept).toBe('application/json');
    expect(first?.headers.integrationid).toBe('12345_678900');
    expect(first?.headers['accept-language']).toBe('en-us');
    expect(first?.headers.connection ?? 'keep-alive').not.toMatch(/close/i);
    // Sequential calls reuse pooled keep-alive connections instead of one connection per call.
    expect(new Set(server.requests.map((r) => r.socketId)).size).toBeLessThan(server.requests.length);
  });

  it('validates options before any request', () => {
    expect(() => client({ token: 'not a token!' })).toThrow(AfasUsageError);
    expect(() => client({ integrationId: 'abc' })).toThrow(AfasUsageError);
    expect(() => client({ language: 'xx-xx' as never })).toThrow(AfasUsageError);
    expect(() => client({ requestTimeoutMs: 0 })).toThrow(AfasUsageError);
    expect(() => client({ environmentId: 'O12345AA' })).toThrow(AfasUsageError);
  });

  it('decodes a gzip body, keeping long decimals exact', async () => {
    const text = '{"skip":0,"take":10,"rows":[{"Id":1,"Amount":12345678901234567.89,"Small":1806.22}]}';
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(text));
    };
    const page = await firstPage(client(), 'C', { orderBy: ['Id'], take: 10 });
    expect(page.parse()).toEqual([{ Id: 1, Amount: '12345678901234567.89', Small: 1806.22 }]);
    // The page keeps the decoded response bytes as they came.
    expect(page.body.equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(page.bytes).toBe(Buffer.byteLength(text));
    expect(server.requests[0]?.headers['accept-encoding']).toContain('gzip');
  });

  it("a page carries AFAS's clock from the Date header; none or a garbled one is null", async () => {
    const rows = { skip: 0, take: 10, rows: [{ Id: 1 }] };
    handler = (_req, res) => json(res, 200, rows, { date: 'Tue, 01 Dec 2026 09:30:00 GMT' });
    expect((await firstPage(client(), 'C', { orderBy: ['Id'], take: 10 })).responseDateMs).toBe(
      Date.UTC(2026, 11, 1, 9, 30, 0),
    );
    handler = (_req, res) => {
      res.sendDate = false;
      json(res, 200, rows);
    };
    expect((await firstPage(client(), 'C', { orderBy: ['Id'], take: 10 })).responseDateMs).toBeNull();
    handler = (_req, res) => json(res, 200, rows, { date: 'the day after tomorrow' });
    expect((await firstPage(client(), 'C', { orderBy: ['Id'], take: 10 })).responseDateMs).toBeNull();
  });

  it('a page holds the exact response bytes; one with escapes is parsed instead of scanned', async () => {
    const plain = '{"skip":0,"take":10,"rows":[{"Id":1,"Text":"plain"},{"Id":2,"Text":"also plain"}]}';
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(plain);
    };
    const scanned = await firstPage(client(), 'C', { orderBy: ['Id'], take: 10 });
    expect(scanned.body.equals(Buffer.from(plain, 'utf8'))).toBe(true);
    expect(scanned.scanned).not.toBeNull();
    expect(scanned.plain).toBe(true);
    expect(scanned.parse()).toEqual([
      { Id: 1, Text: 'plain' },
      { Id: 2, Text: 'also plain' },
    ]);

    // Pretty-printed, with a quote, a newline escape and a non-ASCII letter: not scannable.
    const escaped =
      '{\n  "skip": 0, "take": 10,\n  "rows": [\n    {"Id": 1, "Text": "say \\"hi\\""},\n' +
      '    {"Id": 2, "Text": "twee\\nregels, café"}\n  ]\n}';
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(escaped);
    };
    const parsed = await firstPage(client(), 'C', { orderBy: ['Id'], take: 10 });
    expect(parsed.body.equals(Buffer.from(escaped, 'utf8'))).toBe(true);
    expect(parsed.scanned).toBeNull();
    expect(parsed.plain).toBe(false);
    expect(parsed.rowCount).toBe(2);
    const rows = [
      { Id: 1, Text: 'say "hi"' },
      { Id: 2, Text: 'twee\nregels, café' },
    ];
    expect(parsed.parse()).toEqual(rows);
    expect(parsed.lastRow()).toEqual(rows[1]);
    expect(parsed.last).toBe(true);
  });
});

describe('AFAS error responses', () => {
  it('body-less 500 with only the base64 X-Profit-Error header', async () => {
    const message = 'De boekingslay-out is geblokkeerd door gebruiker 12345.jansen.';
    handler = (_req, res) => {
      res.writeHead(500, {
        'x-profit-error': Buffer.from(message).toString('base64'),
        'content-length': '0',
      });
      res.end();
    };
    const err = await caught(firstPage(client(), 'Profit_Transactions', { orderBy: ['UnitId'], take: 10 }));
    expect(err).toBeInstanceOf(AfasHttpError);
    const http = err as AfasHttpError;
    expect(http.status).toBe(500);
    expect(http.afasMessage).toBe(message);
    expect(http.message).toContain(message);
    expect(classifyAfasError(err)).toMatchObject({ class: 'locked', retryable: true });
  });

  it('standard 500 body wins over the header; errorNumber and profitLogReference kept', async () => {
    handler = (_req, res) =>
      json(
        res,
        500,
        {
          externalMessage: "Connector field 'Nope' not found",
          errorNumber: -2147180999,
          profitLogReference: 'ABCDEF0123456789ABCDEF0123456789',
        },
        { 'x-profit-error': Buffer.from('other').toString('base64') },
      );
    const err = (await caught(firstPage(client(), 'C', { orderBy: ['Nope'], take: 10 }))) as AfasHttpError;
    expect(err.afasMessage).toBe("Connector field 'Nope' not found");
    expect(err.errorNumber).toBe(-2147180999);
    expect(err.profitLogReference).toBe('ABCDEF0123456789ABCDEF0123456789');
    expect(err.request?.connector).toBe('C');
    expect(err.request?.skip).toBe(0);
    expect(classifyAfasError(err).class).toBe('functional');
  });

  it('503: Retry-After header, else the body retry_after', async () => {
    handler = (_req, res) =>
      json(
        res,
        503,
        { error: { code: '503', message: 'Service temporarily unavailable' }, retry_after: 7200 },
        { 'retry-after': '120' },
      );
    const withHeader = (await caught(client().profitVersion())) as AfasHttpError;
    expect(withHeader.retryAfterMs).toBe(120_000);
    expect(withHeader.afasMessage).toBe('Service temporarily unavailable');
    expect(classifyAfasError(withHeader)).toMatchObject({ class: 'transient', retryAfterMs: 120_000 });
    handler = (_req, res) => json(res, 503, { retry_after: 7200 });
    expect(((await caught(client().profitVersion())) as AfasHttpError).retryAfterMs).toBe(7_200_000);
  });

  it('401 with an empty body → auth; a proxy HTML page is kept as an excerpt', async () => {
    handler = (_req, res) => {
      res.writeHead(401);
      res.end();
    };
    expect(classifyAfasError(await caught(client().metainfo()))).toMatchObject({
      class: 'auth',
      retryable: false,
    });
    handler = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
    };
    const err = (await caught(client().metainfo())) as AfasHttpError;
    expect(err.bodyExcerpt).toContain('Bad gateway');
    expect(classifyAfasError(err).class).toBe('transient');
  });
});

describe('transport failures', () => {
  it('client timeout → AfasTimeoutError (transient)', async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    const err = await caught(client({ requestTimeoutMs: 200 }).profitVersion());
    expect(err).toBeInstanceOf(AfasTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(classifyAfasError(err).class).toBe('transient');
    // A per-call override wins.
    expect(await caught(client().profitVersion({ timeoutMs: 100 }))).toBeInstanceOf(AfasTimeoutError);
  });

  it('a stalled body also times out', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"skip":0,"take":10,"rows":[');
    };
    expect(
      await caught(firstPage(client({ requestTimeoutMs: 200 }), 'C', { orderBy: ['Id'], take: 10 })),
    ).toBeInstanceOf(AfasTimeoutError);
  });

  it('abort via AbortSignal, before and during the request', async () => {
    handler = () => undefined;
    const pre = new AbortController();
    pre.abort();
    expect(await caught(client().profitVersion({ signal: pre.signal }))).toBeInstanceOf(AfasAbortError);
    expect(server.requests).toHaveLength(0);
    const during = new AbortController();
    setTimeout(() => during.abort(), 50);
    const err = await caught(client().profitVersion({ signal: during.signal }));
    expect(err).toBeInstanceOf(AfasAbortError);
    expect(classifyAfasError(err)).toMatchObject({ class: 'aborted', retryable: false });
  });

  it('connection reset → AfasNetworkError (transient)', async () => {
    handler = (req) => {
      req.socket.destroy();
    };
    const err = await caught(client().profitVersion());
    expect(err).toBeInstanceOf(AfasNetworkError);
    expect(classifyAfasError(err)).toMatchObject({ class: 'transient', retryable: true });
  });

  it('connection refused → AfasNetworkError', async () => {
    const c = client({ baseUrl: 'http://127.0.0.1:1/ProfitRestServices' });
    const err = (await caught(c.profitVersion())) as AfasNetworkError;
    expect(err).toBeInstanceOf(AfasNetworkError);
    expect(err.code).toBe('ECONNREFUSED');
  });

  it('oversized body → bad response', async () => {
    handler = (_req, res) => json(res, 200, { version: 'x'.repeat(5000) });
    expect(await caught(client({ maxResponseBytes: 1000 }).profitVersion())).toBeInstanceOf(
      AfasBadResponseError,
    );
  });

  it('closed client refuses calls', async () => {
    const c = client();
    await c.close();
    expect(await caught(c.profitVersion())).toBeInstanceOf(AfasUsageError);
  });
});

describe('bad responses', () => {
  it('malformed JSON names the connector and page skip', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"skip":20,"take":10,"rows":[{"Id":1},');
    };
    const err = await caught(
      firstPage(client(), 'Profit_Transactions', { orderBy: ['Id'], skip: 20, take: 10 }),
    );
    expect(err).toBeInstanceOf(AfasBadResponseError);
    expect(err.message).toContain('Profit_Transactions');
    expect(err.message).toContain('skip 20');
    expect(err.message).toContain('take 10');
    expect(err.message).toMatch(/^Malformed JSON/);
    expect(classifyAfasError(err).class).toBe('bad-response');
  });

  it('wrong shapes: rows missing, row not an object, metainfo dataType unknown', async () => {
    handler = (_req, res) => json(res, 200, { skip: 0, take: 10 });
    const noRows = await caught(firstPage(client(), 'C', { orderBy: ['Id'], take: 10 }));
    expect(noRows).toBeInstanceOf(AfasBadResponseError);
    expect(noRows.message).toContain('GetConnector C (skip 0, take 10)');
    expect(noRows.message).toContain('no "rows" array');
    handler = (_req, res) => json(res, 200, { skip: 0, take: 10, rows: [{ Id: 1 }, 1] });
    const notObject = await caught(firstPage(client(), 'C', { orderBy: ['Id'], take: 10 }));
    expect(notObject).toBeInstanceOf(AfasBadResponseError);
    expect(notObject.message).toContain('row 1 is not an object');
    expect(classifyAfasError(notObject).class).toBe('bad-response');
    handler = (_req, res) =>
      json(res, 200, { name: 'C', fields: [{ id: 'A', dataType: 'datetime', label: 'A' }] });
    const err = await caught(client().describeGetConnector('C'));
    expect(err).toBeInstanceOf(AfasBadResponseError);
    expect(err.message).toContain('fields.0.dataType');
  });
});

describe('a page of more rows than take', () => {
  const flood = (rows: number, separator: string) =>
    `{"skip":40,"take":10,"rows":[${Array.from({ length: rows }, () => '{}').join(separator)}]}`;

  it.each([
    ['compact (scanned)', ','],
    ['with whitespace (left to JSON.parse)', ', '],
  ])('%s: refused as a bad response naming connector, skip, take and the count', async (_what, separator) => {
    const body = flood(2_000_000, separator);
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    };
    const err = await caught(
      firstPage(client(), 'Profit_Transactions', { orderBy: ['Id'], skip: 40, take: 10 }),
    );
    expect(err).toBeInstanceOf(AfasBadResponseError);
    expect(err.message).toBe(
      'GetConnector Profit_Transactions (skip 40, take 10): AFAS sent more rows than the 10 asked for ' +
        `(counting stopped at row 11 of a ${Buffer.byteLength(body)}-byte body); the page was refused before its rows were read`,
    );
    expect(classifyAfasError(err)).toMatchObject({ class: 'bad-response', retryable: false });
  });

  it.each([
    ['compact (scanned)', ','],
    ['with whitespace (left to JSON.parse)', ', '],
  ])('%s: a page of exactly take rows is read', async (_what, separator) => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(flood(10, separator).replaceAll('{}', '{"Id":1}'));
    };
    const page = await firstPage(client(), 'C', { orderBy: ['Id'], skip: 40, take: 10 });
    expect(page.rowCount).toBe(10);
  });
});

describe('the 2,049-character limit', () => {
  it('an overlong query is never sent: an unsplittable filter or orderBy fails before the request', async () => {
    const c = client();
    const huge = where.and(...Array.from({ length: 150 }, (_, i) => where.eq(`Field${i}`, 'value')));
    const err = await caught(firstPage(c, 'C', { orderBy: ['Id'], take: 10, filter: huge }));
    expect(err).toBeInstanceOf(AfasQueryTooLongError);
    expect(classifyAfasError(err).class).toBe('client-bug');
    const longOrder = Array.from({ length: 300 }, (_, i) => `SomeRatherLongFieldName${i}`);
    expect(await caught(firstPage(c, 'C', { orderBy: longOrder, take: 10 }))).toBeInstanceOf(
      AfasQueryTooLongError,
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('token redaction', () => {
  it('the token never appears in errors, their JSON, inspect output, or the client', async () => {
    handler = (req, res) => {
      const auth = req.headers.authorization ?? '';
      json(
        res,
        500,
        { externalMessage: `echo ${auth} ${XML} ${DATA}`, profitLogReference: DATA },
        { 'x-profit-error': Buffer.from(auth).toString('base64') },
      );
    };
    const c = client({ token: DATA });
    const err = (await caught(
      firstPage(c, 'C', {
        orderBy: ['Id'],
        take: 10,
        filter: { groups: [[{ field: 'X', operator: 1, value: DATA }]] },
      }),
    )) as AfasHttpError;
    for (const text of [
      err.message,
      String(err),
      err.stack ?? '',
      JSON.stringify(err),
      inspect(err, { depth: 10 }),
      err.afasMessage ?? '',
      JSON.stringify(err.request),
    ]) {
      expectNoSecret(text);
    }
    expect(err.afasMessage).toContain('[REDACTED]');
    for (const text of [inspect(c, { depth: 10, showHidden: true }), JSON.stringify(c), String(c)])
      expectNoSecret(text);

    // Network errors too (the request had the header).
    handler = (req) => {
      req.socket.destroy();
    };
    const net = await caught(c.profitVersion());
    for (const text of [net.message, JSON.stringify(net), inspect(net, { depth: 10 })]) expectNoSecret(text);
  });
});

describe('UpdateConnectors over HTTP', () => {
  it('POST/PUT/DELETE shapes and both success body forms', async () => {
    handler = (req, res) => {
      if (req.method === 'POST') json(res, 201, { results: { FiEntryPar: { UnId: '1', EnNo: '48227' } } });
      else if (req.method === 'PUT') json(res, 200, { KnSubject: { SbId: '5' } });
      else {
        res.writeHead(200, { 'content-length': '0' });
        res.end();
      }
    };
    const c = client();
    const envelope = updateEnvelope('FiEntryPar', { fields: { Year: 2024, Peri: 1, UnId: 1, JoCo: '20' } });
    expect(await c.insert('FiEntries', envelope)).toEqual({
      status: 201,
      results: { FiEntryPar: { UnId: '1', EnNo: '48227' } },
    });
    expect(
      await c.update('KnSubject', updateEnvelope('KnSubject', { keys: { SbId: 5 }, fields: { Ds: 'x' } })),
    ).toEqual({
      status: 200,
      results: { KnSubject: { SbId: '5' } },
    });
    expect(
      await c.delete('FiEntries', [
        { object: 'FiEntryPar', keys: { UnId: 1, JoCo: '73' } },
        { object: 'FiEntries', keys: { EnNo: 70001 } },
      ]),
    ).toEqual({ status: 200, results: null });
    await c.insert('FiBudget', updateEnvelope('FiBudget', { fields: { year: 2024 } }), {
      subObject: 'BudgetLines',
    });
    const [post, put, del, sub] = server.requests;
    expect(post?.method).toBe('POST');
    expect(post?.url).toBe('/ProfitRestServices/connectors/FiEntries');
    expect(post?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(post?.body ?? '')).toEqual({
      FiEntryPar: { Element: { Fields: { Year: 2024, Peri: 1, UnId: 1, JoCo: '20' } } },
    });
    expect(put?.method).toBe('PUT');
    expect(del?.url).toBe(
      '/ProfitRestServices/connectors/FiEntries/FiEntryPar/@UnId,@JoCo/1,73/FiEntries/@EnNo/70001',
    );
    expect(sub?.url).toBe('/ProfitRestServices/connectors/FiBudget/BudgetLines');
  });

  it('UpdateConnector validation errors surface as AfasHttpError', async () => {
    handler = (_req, res) =>
      json(res, 500, {
        externalMessage: "Vul een waarde in bij 'Rekeningnummer'.",
        errorNumber: -2147180996,
        profitLogReference: 'ABC',
      });
    const err = (await caught(
      client().insert('FiEntries', updateEnvelope('FiEntryPar', { fields: {} })),
    )) as AfasHttpError;
    expect(err.afasMessage).toBe("Vul een waarde in bij 'Rekeningnummer'.");
    expect(err.request?.method).toBe('POST');
    expect(classifyAfasError(err).class).toBe('functional');
  });
});
