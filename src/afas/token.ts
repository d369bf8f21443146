// The classic AFAS token: `<token><version>1</version><data>…</data></token>`, sent as
// `Authorization: AfasToken base64(xml)`. The secret lives only in private fields; every
// string form of the object is redacted, and `redact()` scrubs every form of it from text.

import { AfasUsageError } from './errors.js';

const TOKEN_XML =
  /^<token>\s*<version>\s*(\d{1,4})\s*<\/version>\s*<data>\s*([A-Za-z0-9]{4,512})\s*<\/data>\s*<\/token>$/;
const TOKEN_DATA = /^[A-Za-z0-9]{4,512}$/;
/** base64 of "<token" — lets a caller pass the already-encoded header value. */
const BASE64_TOKEN_PREFIX = 'PHRva2Vu';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const REDACTED = '[REDACTED]';

const SHAPE_HINT =
  'expected the token XML "<token><version>1</version><data>…</data></token>", its base64 form, ' +
  'or the bare data string (at least 4 letters or digits)';

export class AfasToken {
  readonly #header: string;
  readonly #secrets: readonly string[];

  /** Validates the token's shape; the error never echoes the value. */
  constructor(token: string) {
    if (typeof token !== 'string') throw new AfasUsageError(`AFAS token must be a string: ${SHAPE_HINT}`);
    const input = token.trim();
    let xmlInput = input;
    if (input.startsWith(BASE64_TOKEN_PREFIX) && BASE64.test(input)) {
      xmlInput = Buffer.from(input, 'base64').toString('utf8').trim();
    }
    let version = '1';
    let data: string;
    const xml = TOKEN_XML.exec(xmlInput);
    if (xml !== null) {
      version = xml[1] ?? '1';
      data = xml[2] ?? '';
    } else if (xmlInput === input && TOKEN_DATA.test(input)) {
      data = input;
    } else {
      throw new AfasUsageError(`AFAS token has an invalid shape: ${SHAPE_HINT}`);
    }
    const canonicalXml = `<token><version>${version}</version><data>${data}</data></token>`;
    const encoded = Buffer.from(canonicalXml, 'utf8').toString('base64');
    this.#header = `AfasToken ${encoded}`;
    // Longest first, so a secret that contains another is replaced whole.
    const secrets = new Set([token, input, xmlInput, data, canonicalXml, encoded]);
    secrets.delete('');
    this.#secrets = [...secrets].sort((a, b) => b.length - a.length);
  }

  /** The `Authorization` header value. */
  authorizationHeader(): string {
    return this.#header;
  }

  /** Replaces every known form of the token (input, XML, data, base64) in a text. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  toString(): string {
    return 'AfasToken([REDACTED])';
  }

  toJSON(): string {
    return '[REDACTED]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
