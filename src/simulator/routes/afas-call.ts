import type { IncomingMessage } from 'node:http';

import type { AppPrincipal } from '../auth.js';
import type { Language } from '../connectors/types.js';
import type { SimulatorContext } from '../context.js';
import type { ParsedRequestUrl } from '../http/request.js';
import type { ResponseWriter } from '../http/response.js';

/** What the request log learns while a call is handled. */
export interface CallLogFacts {
  connector: string | null;
  rows: number | null;
  faults: string[];
  /** How the call authenticated (the scheme, never the credential). */
  auth: CallAuth | null;
  /** The OAuth client of a token request or a Bearer call. */
  clientId: string | null;
}

export type CallAuth = 'afas-token' | 'bearer' | 'oauth-client';

/** One AFAS API call being handled. */
export interface AfasCall {
  readonly sim: SimulatorContext;
  readonly req: IncomingMessage;
  readonly method: string;
  readonly url: ParsedRequestUrl;
  readonly language: Language;
  readonly response: ResponseWriter;
  readonly log: CallLogFacts;
}

/** A resolved AFAS route: which connector it concerns, who may call it, and what it does. */
export interface AfasRoute {
  readonly connector: string | undefined;
  /** An UpdateConnector write (POST, PUT, DELETE): subject to the layout lock and the answer latency. */
  readonly write?: boolean;
  /** Throws the 401 Profit error when the caller's App connector lacks the connector. */
  authorize(token: AppPrincipal): void;
  handle(call: AfasCall, token: AppPrincipal): Promise<void>;
}
