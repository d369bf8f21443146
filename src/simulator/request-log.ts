/** What the simulator remembers about each AFAS API call (never a token, secret or access token). */
export interface RequestLogEntry {
  readonly seq: number;
  /** ISO timestamp (real UTC) of the moment the request arrived. */
  readonly timestamp: string;
  readonly method: string;
  /** Path without query string. */
  readonly path: string;
  readonly connector: string | null;
  /** Decoded query parameters (lower-case names). */
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
  /** Rows returned by a GetConnector call, else null. */
  readonly rows: number | null;
  readonly durationMs: number;
  /** Injected fault kind, if one fired. */
  readonly fault: string | null;
  /** `afas-token`, `bearer`, or `oauth-client` (a token-endpoint request); never the credential. */
  readonly auth: string | null;
  /** The OAuth client of a token request or a Bearer call. */
  readonly clientId: string | null;
}

/** Query parameters whose values are credentials: logged as `[redacted]`, never in plain. */
const SECRET_PARAMETERS: ReadonlySet<string> = new Set([
  'client_secret',
  'access_token',
  'refresh_token',
  'token',
  'code',
  'password',
]);

/** The decoded query for the log, with credential values replaced. */
export function loggableQuery(params: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(
    [...params].map(([name, value]) => [name, SECRET_PARAMETERS.has(name) ? '[redacted]' : value]),
  );
}

export interface RequestLogQuery {
  connector?: string | undefined;
  sinceSeq?: number | undefined;
  limit?: number | undefined;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  private dropped = 0;

  constructor(private readonly capacity = 50_000) {}

  nextSeq(): number {
    return ++this.seq;
  }

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) {
      const excess = this.entries.length - this.capacity;
      this.entries = this.entries.slice(excess);
      this.dropped += excess;
    }
  }

  list(query: RequestLogQuery = {}): { entries: RequestLogEntry[]; dropped: number } {
    let entries = this.entries;
    if (query.connector !== undefined) entries = entries.filter((e) => e.connector === query.connector);
    if (query.sinceSeq !== undefined) {
      const since = query.sinceSeq;
      entries = entries.filter((e) => e.seq > since);
    }
    if (query.limit !== undefined) entries = entries.slice(-query.limit);
    return { entries: [...entries], dropped: this.dropped };
  }

  clear(): number {
    const removed = this.entries.length;
    this.entries = [];
    this.dropped = 0;
    return removed;
  }
}
