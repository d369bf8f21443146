import type { IncomingMessage } from 'node:http';

import type { Language } from '../connectors/types.js';

export interface ParsedRequestUrl {
  /** The path without query string, as sent (still percent-encoded). */
  readonly path: string;
  /** The query string from `?` inclusive, or '' when there is none. */
  readonly rawQuery: string;
  /** Decoded query parameters with lower-cased names (AFAS/IIS treat names case-insensitively). */
  readonly params: ReadonlyMap<string, string>;
}

function decodeQueryComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/**
 * Splits a request target into path and query. Repeated parameters are joined with `,`, the way
 * ASP.NET's query collection reports them.
 */
export function parseRequestUrl(target: string): ParsedRequestUrl {
  const questionMark = target.indexOf('?');
  const path = questionMark === -1 ? target : target.slice(0, questionMark);
  const rawQuery = questionMark === -1 ? '' : target.slice(questionMark);
  const params = new Map<string, string>();
  if (rawQuery.length > 1) {
    for (const piece of rawQuery.slice(1).split('&')) {
      if (piece === '') continue;
      const equals = piece.indexOf('=');
      const name = decodeQueryComponent(equals === -1 ? piece : piece.slice(0, equals)).toLowerCase();
      const value = equals === -1 ? '' : decodeQueryComponent(piece.slice(equals + 1));
      const existing = params.get(name);
      params.set(name, existing === undefined ? value : `${existing},${value}`);
    }
  }
  return { path, rawQuery, params };
}

/** Decoded, non-empty path segments. */
export function pathSegments(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
}

/** `Accept-Language: en-us` (or any `en…`) selects English, `nl…` Dutch, anything else the default. */
export function requestLanguage(header: string | undefined, fallback: Language): Language {
  if (header === undefined) return fallback;
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  if (first.startsWith('en')) return 'en-us';
  if (first.startsWith('nl')) return 'nl-nl';
  return fallback;
}

/** Reads a request body as UTF-8 text; rejects bodies larger than `limitBytes`. */
export async function readBodyText(req: IncomingMessage, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new RangeError(`request body exceeds ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
