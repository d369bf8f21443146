// When does a source's credential stop working? One rule for `source list/show`, `status` and the
// metrics endpoint. A classic token stops on the day AFAS retires them all (CLASSIC_TOKEN_END); an
// OAuth client secret on the day the operator entered (AFAS shows it), when they did.
//
// Both days start at 00:00 Europe/Amsterdam, AFAS's time zone: "discontinued as of 31 August
// 2027" means that no request on that day is served, and the earlier of the readings (Amsterdam
// midnight is 22:00 or 23:00 UTC the day before) is the safe one to warn with.
import {
  amsterdamWallTimeToInstant,
  formatWallTime,
  instantToAmsterdamWallTime,
} from '../afas/amsterdam-time.js';
import { CLASSIC_TOKEN_END, type CredentialKind } from '../afas/credentials.js';

export interface CredentialExpiryInput {
  name: string;
  credentialKind: CredentialKind;
  oauthClientId: string | null;
  secretExpiresOn: string | null;
}

/** An OAuth secret that expires within this many days is warned about. */
export const SECRET_WARN_DAYS = 30;

export interface CredentialExpiry {
  kind: CredentialKind;
  /** The OAuth client id; null for a classic token. */
  clientId: string | null;
  /** The day it stops working (YYYY-MM-DD); null for an OAuth secret whose date nobody entered. */
  expiresOn: string | null;
  /** The instant it stops working: 00:00 Europe/Amsterdam of `expiresOn`. */
  expiresAt: Date | null;
  /** Calendar days from today (Amsterdam) to `expiresOn`; negative once it passed. */
  daysLeft: number | null;
  /** What the operator must do something about (an OAuth secret expiring within 30 days, or expired). */
  warning: string | null;
  /** One line for people: `classic token: stops working on 2027-08-31 (268 days)`, … */
  text: string;
}

const DAY_MS = 86_400_000;

const utcDay = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** 00:00 Europe/Amsterdam on `day` (YYYY-MM-DD). Midnight is never in a DST gap there (02:00/03:00). */
export function amsterdamMidnight(day: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return amsterdamWallTimeToInstant({
    year,
    month,
    day: date,
    hour: 0,
    minute: 0,
    second: 0,
    millisecond: 0,
  });
}

/** Today's date in Amsterdam, YYYY-MM-DD. */
export function amsterdamToday(now: Date): string {
  return formatWallTime(instantToAmsterdamWallTime(now)).slice(0, 10);
}

function daysText(days: number): string {
  if (days < 0) return `${-days} day${days === -1 ? '' : 's'} ago`;
  return `${days} day${days === 1 ? '' : 's'}`;
}

export function credentialExpiry(source: CredentialExpiryInput, now: Date = new Date()): CredentialExpiry {
  const expiresOn = source.credentialKind === 'token' ? CLASSIC_TOKEN_END : source.secretExpiresOn;
  const daysLeft =
    expiresOn === null ? null : Math.round((utcDay(expiresOn) - utcDay(amsterdamToday(now))) / DAY_MS);
  const base = {
    kind: source.credentialKind,
    clientId: source.oauthClientId,
    expiresOn,
    expiresAt: expiresOn === null ? null : amsterdamMidnight(expiresOn),
    daysLeft,
  };
  if (source.credentialKind === 'token') {
    const verb = (daysLeft ?? 0) > 0 ? 'stops' : 'stopped';
    return {
      ...base,
      warning: null,
      text: `classic token: ${verb} working on ${CLASSIC_TOKEN_END} (${daysText(daysLeft ?? 0)})`,
    };
  }
  const client = `OAuth client ${source.oauthClientId ?? '?'}`;
  if (expiresOn === null || daysLeft === null) return { ...base, warning: null, text: client };
  const rotate = `rotate it: \`afas-sync source update ${source.name} --client-secret-file PATH --secret-expires YYYY-MM-DD\``;
  if (daysLeft <= 0) {
    const warning = `the OAuth client secret expired on ${expiresOn} (${daysText(daysLeft)}); ${rotate}`;
    return { ...base, warning, text: `${client}: secret EXPIRED on ${expiresOn} (${daysText(daysLeft)})` };
  }
  const when = `on ${expiresOn} (${daysText(daysLeft)})`;
  if (daysLeft <= SECRET_WARN_DAYS) {
    const warning = `the OAuth client secret expires ${when}; ${rotate}`;
    return { ...base, warning, text: `${client}: secret EXPIRES ${when}` };
  }
  return { ...base, warning: null, text: `${client}, secret expires ${when}` };
}

/** Seconds until the credential stops working (negative once it did); undefined when unknown. */
export function credentialExpirySeconds(
  source: CredentialExpiryInput,
  now: Date = new Date(),
): number | undefined {
  const { expiresAt } = credentialExpiry(source, now);
  return expiresAt === null ? undefined : Math.round((expiresAt.getTime() - now.getTime()) / 1000);
}
