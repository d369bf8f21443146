/**
 * Classic AFAS tokens: `Authorization: AfasToken base64(<token><version>1</version><data>…</data></token>)`.
 * Each token belongs to an App connector with a list of allowed connectors.
 */

export interface SimulatorTokenSpec {
  /** The `<data>` part of the token. */
  token: string;
  /** App connector name shown in metainfo `info.appName`. */
  appName?: string;
  /** GetConnector (and UpdateConnector) ids the App connector contains; default all. */
  connectors?: string[];
}

/** Who a call acts for: the App connector of a classic token or of an OAuth client. */
export interface AppPrincipal {
  readonly appName: string;
  /** undefined = every connector. */
  readonly connectors: ReadonlySet<string> | undefined;
}

export interface TokenRecord extends AppPrincipal {
  readonly token: string;
}

export type AuthResult =
  | { readonly kind: 'ok'; readonly token: TokenRecord }
  /** Missing header, unknown or revoked token, wrong scheme: 401 without body. */
  | { readonly kind: 'unauthorized' }
  /** The XML token sent as plain text instead of base64: 500 since Profit 6 (end 2025). */
  | { readonly kind: 'plain-token' };

export const DEFAULT_APP_NAME = 'afas-sync simulator';
const TOKEN_XML = /^\s*<token>\s*<version>1<\/version>\s*<data>([^<]+)<\/data>\s*<\/token>\s*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The header value a client must send for a token data string. */
export function afasTokenHeader(data: string): string {
  const xml = `<token><version>1</version><data>${data}</data></token>`;
  return `AfasToken ${Buffer.from(xml, 'utf8').toString('base64')}`;
}

export class TokenRegistry {
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(
    specs: readonly SimulatorTokenSpec[],
    private readonly knownConnectorIds: ReadonlySet<string>,
  ) {
    for (const spec of specs) this.add(spec);
  }

  /** Adds or replaces a token. Throws when it names a connector the simulator does not have. */
  add(spec: SimulatorTokenSpec): TokenRecord {
    if (spec.token.trim() === '' || spec.token.includes('<')) {
      throw new Error('a token data string must be non-empty and must not contain "<"');
    }
    checkConnectorIds('token', spec.connectors, this.knownConnectorIds);
    const record: TokenRecord = {
      token: spec.token,
      appName: spec.appName ?? DEFAULT_APP_NAME,
      connectors: spec.connectors === undefined ? undefined : new Set(spec.connectors),
    };
    this.tokens.set(spec.token, record);
    return record;
  }

  /** Revokes a token; later calls with it get 401. Returns false when it was unknown. */
  revoke(token: string): boolean {
    return this.tokens.delete(token);
  }

  authenticate(header: string | undefined): AuthResult {
    if (header === undefined) return { kind: 'unauthorized' };
    const match = /^AfasToken\s+(.+)$/i.exec(header.trim());
    if (match === null) return { kind: 'unauthorized' };
    const credential = (match[1] ?? '').trim();
    if (credential.startsWith('<')) return { kind: 'plain-token' };
    if (!BASE64.test(credential)) return { kind: 'unauthorized' };
    const xml = TOKEN_XML.exec(Buffer.from(credential, 'base64').toString('utf8'));
    if (xml === null) return { kind: 'unauthorized' };
    const record = this.tokens.get((xml[1] ?? '').trim());
    return record === undefined ? { kind: 'unauthorized' } : { kind: 'ok', token: record };
  }
}

export function tokenAllows(principal: AppPrincipal, connectorId: string): boolean {
  return principal.connectors === undefined || principal.connectors.has(connectorId);
}

/** Throws when an App connector lists a connector the simulator does not have. */
export function checkConnectorIds(
  what: string,
  connectors: readonly string[] | undefined,
  known: ReadonlySet<string>,
): void {
  const unknown = (connectors ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new RangeError(`${what} names unknown connector(s): ${unknown.join(', ')}`);
}
