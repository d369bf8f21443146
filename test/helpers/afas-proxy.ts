// A small real HTTP server between the worker and the simulator: it forwards every request to the
// simulator, except the GetConnector pages of the connectors it is given, which it answers itself
// (for AFAS answers the simulator cannot give, such as a page of far more rows than take).
import type { ServerResponse } from 'node:http';
import { request } from 'undici';
import { startTestServer, type TestServer } from '../afas/helpers/http-server.js';

/** What a GetConnector page request asked for. */
export interface PageQuery {
  readonly connector: string;
  readonly skip: number;
  readonly take: number;
}

/** Answers one page request of a connector the proxy serves itself. */
export type PageAnswer = (query: PageQuery, res: ServerResponse) => void;

/** Request headers passed on to the simulator (the token among them: the proxy only relays it). */
const FORWARDED_REQUEST = ['authorization', 'accept', 'accept-language', 'integrationid', 'content-type'];
/** Response headers passed back. */
const FORWARDED_RESPONSE = ['content-type', 'x-profit-error', 'retry-after'];

const PAGE_PATH = /^\/ProfitRestServices\/connectors\/([^/?]+)$/;

/** A proxy to the simulator at `simulatorBaseUrl`; `answers` serves the pages of its connectors. */
export async function startAfasProxy(
  simulatorBaseUrl: string,
  answers: Readonly<Record<string, PageAnswer>>,
): Promise<TestServer> {
  return startTestServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const connector = decodeURIComponent(PAGE_PATH.exec(url.pathname)?.[1] ?? '');
    const answer = req.method === 'GET' ? answers[connector] : undefined;
    if (answer !== undefined) {
      const number = (name: string) => Number(url.searchParams.get(name) ?? 0);
      answer({ connector, skip: number('skip'), take: number('take') }, res);
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const method =
      req.method === 'POST' || req.method === 'PUT' || req.method === 'DELETE' ? req.method : 'GET';
    const upstream = await request(new URL(req.url ?? '/', simulatorBaseUrl), {
      method,
      headers,
      ...(method === 'POST' || method === 'PUT' ? { body: req.body } : {}),
    });
    const body = Buffer.from(await upstream.body.arrayBuffer());
    const responseHeaders: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE) {
      const value = upstream.headers[name];
      if (typeof value === 'string') responseHeaders[name] = value;
    }
    res.writeHead(upstream.statusCode, responseHeaders);
    res.end(body);
  });
}
