// When a credential stops working, and how that reads: the rule behind list/show/status and the
// afas_sync_credential_expiry_seconds gauge. Pure, with the clock given.
import { describe, expect, it } from 'vitest';
import { parseSecretExpires } from '../../src/cli/credential-input.js';
import {
  amsterdamMidnight,
  amsterdamToday,
  credentialExpiry,
  credentialExpirySeconds,
} from '../../src/observability/credential-expiry.js';

const classic = {
  name: 'acme',
  credentialKind: 'token',
  oauthClientId: null,
  secretExpiresOn: null,
} as const;
const oauth = (secretExpiresOn: string | null) =>
  ({ name: 'acme', credentialKind: 'oauth', oauthClientId: 'acme-sync', secretExpiresOn }) as const;

describe('credential expiry', () => {
  it('counts calendar days in Amsterdam to the end of classic tokens', () => {
    // 23:30 UTC on 5 December is already 6 December in Amsterdam.
    const now = new Date('2026-12-05T23:30:00Z');
    expect(amsterdamToday(now)).toBe('2026-12-06');
    expect(credentialExpiry(classic, now)).toMatchObject({
      kind: 'token',
      expiresOn: '2027-08-31',
      expiresAt: new Date('2027-08-30T22:00:00Z'),
      daysLeft: 268,
      warning: null,
      text: 'classic token: stops working on 2027-08-31 (268 days)',
    });
    expect(credentialExpiry(classic, new Date('2027-08-30T12:00:00Z')).text).toBe(
      'classic token: stops working on 2027-08-31 (1 day)',
    );
    expect(credentialExpiry(classic, new Date('2027-09-02T12:00:00Z')).text).toBe(
      'classic token: stopped working on 2027-08-31 (2 days ago)',
    );
  });

  it('takes 00:00 Europe/Amsterdam of the day, in winter and in summer time', () => {
    expect(amsterdamMidnight('2027-01-15').toISOString()).toBe('2027-01-14T23:00:00.000Z');
    expect(amsterdamMidnight('2027-08-31').toISOString()).toBe('2027-08-30T22:00:00.000Z');
    // The days DST starts and ends: midnight is before the switch.
    expect(amsterdamMidnight('2027-03-28').toISOString()).toBe('2027-03-27T23:00:00.000Z');
    expect(amsterdamMidnight('2027-10-31').toISOString()).toBe('2027-10-30T22:00:00.000Z');
  });

  it('warns about an OAuth secret from 30 days before it expires, and once it expired', () => {
    const now = new Date('2026-12-06T09:00:00Z');
    expect(credentialExpiry(oauth(null), now)).toMatchObject({
      expiresOn: null,
      daysLeft: null,
      warning: null,
      text: 'OAuth client acme-sync',
    });
    expect(credentialExpiry(oauth('2027-01-06'), now)).toMatchObject({
      daysLeft: 31,
      warning: null,
      text: 'OAuth client acme-sync, secret expires on 2027-01-06 (31 days)',
    });
    const soon = credentialExpiry(oauth('2027-01-05'), now);
    expect(soon.text).toBe('OAuth client acme-sync: secret EXPIRES on 2027-01-05 (30 days)');
    expect(soon.warning).toBe(
      'the OAuth client secret expires on 2027-01-05 (30 days); rotate it: ' +
        '`afas-sync source update acme --client-secret-file PATH --secret-expires YYYY-MM-DD`',
    );
    const gone = credentialExpiry(oauth('2026-12-06'), now);
    expect(gone.text).toBe('OAuth client acme-sync: secret EXPIRED on 2026-12-06 (0 days)');
    expect(gone.warning).toMatch(/^the OAuth client secret expired on 2026-12-06/);
  });

  it('gives the gauge seconds to that instant, negative after it, none without a date', () => {
    const now = new Date('2027-08-30T21:59:00Z');
    expect(credentialExpirySeconds(classic, now)).toBe(60);
    expect(credentialExpirySeconds(classic, new Date('2027-08-30T22:01:00Z'))).toBe(-60);
    expect(credentialExpirySeconds(oauth(null), now)).toBeUndefined();
  });

  it('accepts only real calendar dates for --secret-expires', () => {
    expect(parseSecretExpires('2028-02-29')).toBe('2028-02-29');
    for (const bad of ['2027-02-29', '2027-13-01', '2027-6-30', '30-06-2027', '2027-06-31', '1999-12-31'])
      expect(() => parseSecretExpires(bad)).toThrow(`--secret-expires: "${bad}" is not a date`);
  });
});
