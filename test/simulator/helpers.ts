import { request } from 'undici';

import {
  afasTokenHeader,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';

export const TOKEN = 'demo';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function authHeaders(token = TOKEN, language?: string): Record<string, string> {
  return {
    authorization: afasTokenHeader(token),
    ...(language === undefined ? {} : { 'accept-language': language }),
  };
}

export async function http(
  url: string,
  init: {
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    headers?: Record<string, string>;
    body?: string;
  } = {},
): Promise<HttpResult> {
  const response = await request(url, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

/** GET below /ProfitRestServices with the demo token (or other headers). */
export async function afasGet(
  sim: RunningSimulator,
  path: string,
  headers: Record<string, string> = authHeaders(),
): Promise<HttpResult> {
  return http(`${sim.baseUrl}${path}`, { headers });
}

export interface Page<Row = Record<string, unknown>> {
  skip: number;
  take: number;
  rows: Row[];
}

/** GET a connector page and parse it; fails the test when the status is not 200. */
export async function getPage<Row = Record<string, unknown>>(
  sim: RunningSimulator,
  path: string,
): Promise<Page<Row>> {
  const result = await afasGet(sim, path);
  if (result.status !== 200) throw new Error(`GET ${path} → ${result.status}: ${result.text}`);
  return JSON.parse(result.text) as Page<Row>;
}

export async function control<T = unknown>(
  sim: RunningSimulator,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const result = await http(`${sim.url}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: result.status, body: (result.text === '' ? undefined : JSON.parse(result.text)) as T };
}

/** All rows of a connector via the control export (key order). */
export async function exportRows<Row = Record<string, unknown>>(
  sim: RunningSimulator,
  connector: string,
  query = '',
): Promise<Row[]> {
  const result = await http(`${sim.url}/__sim/export/${connector}${query}`);
  if (result.status !== 200) throw new Error(`export ${connector} → ${result.status}: ${result.text}`);
  return result.text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Row);
}

/** A small simulator (2 administrations × 3 years × 400 lines) with the control API on. */
export function startSmallSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ control: true, linesPerYear: 400, years: [2024, 2025, 2026], ...options });
}

export interface ProfitErrorBody {
  externalMessage: string;
  errorNumber: number;
  profitLogReference: string;
}

export function profitError(result: HttpResult): ProfitErrorBody {
  return JSON.parse(result.text) as ProfitErrorBody;
}

export function qs(params: Record<string, string | number>): string {
  return `?${Object.entries(params)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&')}`;
}
