// How a source authenticates with AFAS: a classic App-connector token (retired by AFAS on
// 31 August 2027, reference §2.1) or an OAuth 2 client doing the client-credentials grant
// (§2.2). Only the secret part is ever sealed; the client id is an identifier, shown to operators.

/** The day AFAS stops accepting classic tokens (reference §2.1, the 2026 English revision). */
export const CLASSIC_TOKEN_END = '2027-08-31';

export interface OAuthClientCredentials {
  /** The App connector's OAuth client id. */
  readonly clientId: string;
  /** The client secret; never logged, never in an error. */
  readonly clientSecret: string;
}

/** A credential as the AFAS client takes it. */
export type AfasCredential =
  { readonly kind: 'token'; readonly token: string } | ({ readonly kind: 'oauth' } & OAuthClientCredentials);

export type CredentialKind = AfasCredential['kind'];
