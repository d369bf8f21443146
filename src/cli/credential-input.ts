// The credential flags of `source add|update`: a classic token (--token-file/--token-stdin) or an
// OAuth client (--client-id with --client-secret-file/--client-secret-stdin), never both, plus the
// secret's expiry date. Like a token, a client secret is read from a file or stdin only.
import type { AfasCredential } from '../afas/credentials.js';
import { CliUsageError } from './errors.js';
import { checkTokenFlags, readSecret, readToken, TOKEN_ON_ARGV, type TokenFlags } from './token-input.js';

export interface CredentialFlags extends TokenFlags {
  clientId?: string;
  clientSecretFile?: string;
  clientSecretStdin?: boolean;
  /** Hidden flag that exists only to be refused with a reason. */
  clientSecret?: string | boolean;
  /** false with --no-secret-expires (update only). */
  secretExpires?: string | false;
}

/**
 * What the flags ask for, checked before anything is read: a new classic token, a new OAuth
 * client secret (`clientId` undefined: the stored client's, a rotation), or no new credential.
 * `secretExpiresOn`: a date, null to clear it, undefined to leave it.
 */
export interface CredentialPlan {
  kind: AfasCredential['kind'] | undefined;
  clientId: string | undefined;
  secretExpiresOn: string | null | undefined;
}

export const CLIENT_SECRET_ON_ARGV =
  '--client-secret is not accepted: a secret on the command line lands in shell history and in the ' +
  'process list; use --client-secret-file PATH or --client-secret-stdin';

const EITHER =
  'a classic token (--token-file PATH or --token-stdin) or an OAuth client (--client-id ID with ' +
  '--client-secret-file PATH or --client-secret-stdin)';

/** 1 to 256 printable ASCII characters, no spaces at the ends: what the AFAS client sends (RFC 6749). */
const CLIENT_ID = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/;

export function parseClientId(value: string): string {
  if (value.length > 256 || !CLIENT_ID.test(value)) {
    throw new CliUsageError(
      "--client-id: expected the App connector's OAuth client id as AFAS shows it: 1 to 256 printable " +
        'ASCII characters, no spaces at the ends',
    );
  }
  return value;
}

/** A real calendar date, YYYY-MM-DD (2026-02-30 is refused, not rolled over). */
export function parseSecretExpires(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value || date.getUTCFullYear() < 2000) {
    throw new CliUsageError(
      `--secret-expires: "${value}" is not a date; give the day the client secret expires as AFAS shows ` +
        'it, as YYYY-MM-DD (e.g. 2027-06-30)',
    );
  }
  return value;
}

/** Refuses mixed, half-given and argv-borne credentials before anything else happens. */
export function checkCredentialFlags(flags: CredentialFlags, forAdd: boolean): CredentialPlan {
  // A secret on argv is refused first, whatever else is wrong: it must not be used, even to fail.
  if (flags.clientSecret !== undefined) throw new CliUsageError(CLIENT_SECRET_ON_ARGV);
  if (flags.token !== undefined) throw new CliUsageError(TOKEN_ON_ARGV);
  const token = flags.tokenFile !== undefined || flags.tokenStdin === true || flags.token !== undefined;
  const secret = flags.clientSecretFile !== undefined || flags.clientSecretStdin === true;
  const oauth = secret || flags.clientId !== undefined;
  if (token && oauth) throw new CliUsageError(`use either ${EITHER}, not both`);
  checkTokenFlags(flags, false);
  if (flags.clientSecretFile !== undefined && flags.clientSecretStdin)
    throw new CliUsageError('use either --client-secret-file or --client-secret-stdin, not both');
  if (flags.clientId !== undefined && !secret) {
    throw new CliUsageError(
      '--client-id needs the client secret too: pass --client-secret-file PATH or --client-secret-stdin',
    );
  }
  if (forAdd && secret && flags.clientId === undefined)
    throw new CliUsageError(
      '--client-secret-file/--client-secret-stdin need --client-id ID (the OAuth client)',
    );
  if (forAdd && !token && !oauth) throw new CliUsageError(`a credential is required: pass ${EITHER}`);
  const secretExpiresOn =
    flags.secretExpires === undefined
      ? undefined
      : flags.secretExpires === false
        ? null
        : parseSecretExpires(flags.secretExpires);
  if (token && typeof secretExpiresOn === 'string') {
    throw new CliUsageError(
      '--secret-expires is for an OAuth client secret; a classic token stops working on the day AFAS retires them all',
    );
  }
  if (forAdd && !oauth && secretExpiresOn !== undefined)
    throw new CliUsageError('--secret-expires is for an OAuth client secret: pass it with --client-id');
  return {
    kind: token ? 'token' : oauth ? 'oauth' : undefined,
    clientId: flags.clientId === undefined ? undefined : parseClientId(flags.clientId),
    secretExpiresOn,
  };
}

/** The client secret from the flags: one line, trimmed, not empty, not a classic token. */
export async function readClientSecret(
  flags: CredentialFlags,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<string | undefined> {
  const read = await readSecret(
    { file: flags.clientSecretFile, stdin: flags.clientSecretStdin === true },
    { file: '--client-secret-file', stdin: '--client-secret-stdin', what: 'OAuth client secret' },
    stdin,
  );
  if (!read) return undefined;
  const secret = read.raw.trim();
  // Messages say what is wrong with the secret, never a part of it.
  if (secret === '') throw new CliUsageError(`${read.origin}: the client secret is empty`);
  if (/[\r\n]/.test(secret))
    throw new CliUsageError(`${read.origin}: the client secret must be one line; this holds several`);
  if ([...secret].some((char) => char < ' ' || char === '\u007f'))
    throw new CliUsageError(`${read.origin}: the client secret holds a control character`);
  if (/^<token>/i.test(secret)) {
    throw new CliUsageError(
      `${read.origin}: this is a classic AFAS token, not an OAuth client secret; pass it with --token-file or --token-stdin`,
    );
  }
  return secret;
}

/**
 * The new credential the flags carry, read from file or stdin; undefined when they carry none.
 * A client secret without --client-id is the stored OAuth client's new secret (a rotation).
 */
export async function readCredential(
  flags: CredentialFlags,
  plan: CredentialPlan,
  current: { name: string; oauthClientId: string | null } | undefined,
): Promise<AfasCredential | undefined> {
  if (plan.kind === 'token') {
    const token = await readToken(flags);
    return token === undefined ? undefined : { kind: 'token', token };
  }
  if (plan.kind !== 'oauth') return undefined;
  const clientId = plan.clientId ?? current?.oauthClientId ?? undefined;
  if (clientId === undefined) {
    throw new CliUsageError(
      `source "${current?.name ?? '?'}" uses a classic token: pass --client-id ID with the client secret ` +
        'to switch it to OAuth',
    );
  }
  const clientSecret = await readClientSecret(flags);
  return clientSecret === undefined ? undefined : { kind: 'oauth', clientId, clientSecret };
}
