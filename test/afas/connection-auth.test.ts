import { describe, expect, it } from 'vitest';
import { AfasClient } from '../../src/afas/client.js';
import { authOptions, checkedAuth, type AfasAuthOptions } from '../../src/afas/connection-options.js';
import type { AfasCredential } from '../../src/afas/credentials.js';
import { AfasUsageError } from '../../src/afas/errors.js';

const SECRET = 'client-secret-never-shown-0123456789';
const base = { environmentId: '12345', environmentType: 'test', baseUrl: 'http://127.0.0.1:9/x' } as const;

function usageError(run: () => unknown): AfasUsageError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AfasUsageError);
    return err as AfasUsageError;
  }
  throw new Error('expected an AfasUsageError');
}

describe('authOptions', () => {
  it('turns a stored credential into the matching options part', () => {
    expect(authOptions({ kind: 'token', token: 'DATA1234' })).toEqual({ token: 'DATA1234' });
    expect(authOptions({ kind: 'oauth', clientId: 'id-1', clientSecret: SECRET })).toEqual({
      oauthClient: { clientId: 'id-1', clientSecret: SECRET },
    });
  });

  it('refuses an unknown credential kind by name', () => {
    const bogus = { kind: 'saml', token: 'x' } as unknown as AfasCredential;
    expect(usageError(() => authOptions(bogus)).message).toContain('"saml"');
  });
});

describe('checkedAuth: exactly one credential', () => {
  it('accepts a token or an OAuth client', () => {
    expect(checkedAuth({ token: 'DATA1234' })).toEqual({ kind: 'token', token: 'DATA1234' });
    expect(checkedAuth({ oauthClient: { clientId: 'id', clientSecret: SECRET } })).toEqual({
      kind: 'oauth',
      clientId: 'id',
      clientSecret: SECRET,
    });
  });

  it('refuses both, and neither, naming the mistake', () => {
    const both = { token: 'DATA1234', oauthClient: { clientId: 'id', clientSecret: SECRET } };
    expect(usageError(() => checkedAuth(both as unknown as AfasAuthOptions)).message).toMatch(
      /both a token and an oauthClient/,
    );
    expect(usageError(() => checkedAuth({} as unknown as AfasAuthOptions)).message).toMatch(
      /neither a token nor an oauthClient/,
    );
  });

  it('refuses a bad client id or an empty secret without echoing the secret', () => {
    for (const clientId of ['', ' id', 'id ', 'tab\tid', 'é', 'x'.repeat(257)]) {
      const err = usageError(() => checkedAuth({ oauthClient: { clientId, clientSecret: SECRET } }));
      expect(err.message).toMatch(/oauthClient\.clientId/);
      expect(err.message).not.toContain(SECRET);
    }
    for (const clientSecret of ['', '   ']) {
      const err = usageError(() => checkedAuth({ oauthClient: { clientId: 'id', clientSecret } }));
      expect(err.message).toMatch(/oauthClient\.clientSecret/);
    }
    const notObject = { oauthClient: 'id:secret' } as unknown as AfasAuthOptions;
    expect(usageError(() => checkedAuth(notObject)).message).toMatch(/oauthClient must be an object/);
  });

  it('is what the client constructor enforces', () => {
    const both = { ...base, token: 'DATA1234', oauthClient: { clientId: 'id', clientSecret: SECRET } };
    expect(
      usageError(() => new AfasClient(both as unknown as ConstructorParameters<typeof AfasClient>[0]))
        .message,
    ).toMatch(/both a token and an oauthClient/);
  });
});
