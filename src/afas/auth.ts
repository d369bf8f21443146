// How a request is authorised: the one seam between the client and its credential. A classic
// token is one fixed header; an OAuth client (oauth.ts) fetches, caches and renews access tokens.

import { AfasToken } from './token.js';
import type { HttpResponse } from './http.js';

export interface AfasAuth {
  /** The `Authorization` header for the next call (may wait for an access token). */
  authorization(signal: AbortSignal | undefined): Promise<string>;
  /**
   * After a 401 to a call sent with `sent`: whether the credential renewed itself so the call is
   * worth sending once more (AFAS said the access token is invalid). False for a classic token.
   */
  renewAfterRejection(sent: string, res: HttpResponse): boolean;
  /** Replaces every secret this credential knows (token, client secret, access tokens) in a text. */
  redact(text: string): string;
}

/** A classic App-connector token: the same header on every call, nothing to renew. */
export class ClassicTokenAuth implements AfasAuth {
  readonly #token: AfasToken;
  readonly #header: Promise<string>;

  constructor(token: string) {
    this.#token = new AfasToken(token);
    this.#header = Promise.resolve(this.#token.authorizationHeader());
  }

  authorization(): Promise<string> {
    return this.#header;
  }

  renewAfterRejection(): boolean {
    return false;
  }

  redact(text: string): string {
    return this.#token.redact(text);
  }
}
