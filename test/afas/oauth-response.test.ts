import { describe, expect, it } from 'vitest';
import { basicCredentials, isInvalidTokenChallenge } from '../../src/afas/oauth.js';
import { parseOAuthError, parseTokenResponse } from '../../src/afas/oauth-response.js';
import { DEFAULT_EXPIRES_IN_SECONDS } from '../../src/afas/token-lifetime.js';
import type { HttpResponse } from '../../src/afas/http.js';

const ACCESS = 'eyJhbGciOi.access-token_value~123/+=';

function problemOf(body: unknown): string {
  const result = parseTokenResponse(typeof body === 'string' ? body : JSON.stringify(body));
  if (result.ok) throw new Error('expected a problem');
  return result.problem;
}

describe('parseTokenResponse: tolerant, never quoting the token', () => {
  it('reads the documented answer', () => {
    const result = parseTokenResponse(
      JSON.stringify({ access_token: ACCESS, token_type: 'Bearer', expires_in: 3600 }),
    );
    expect(result).toEqual({ ok: true, value: { accessToken: ACCESS, expiresInSeconds: 3600 } });
  });

  it('accepts any case of bearer, expires_in as a numeric string, extra fields and a BOM', () => {
    for (const tokenType of ['bearer', 'BEARER', ' Bearer ']) {
      const text = `\uFEFF${JSON.stringify({
        access_token: ACCESS,
        token_type: tokenType,
        expires_in: '120',
        refresh_token: 'ignored',
        scope: 'x',
      })}`;
      expect(parseTokenResponse(text)).toEqual({
        ok: true,
        value: { accessToken: ACCESS, expiresInSeconds: 120 },
      });
    }
  });

  it('assumes the short default when expires_in is missing', () => {
    const result = parseTokenResponse(JSON.stringify({ access_token: ACCESS, token_type: 'Bearer' }));
    expect(result).toEqual({
      ok: true,
      value: { accessToken: ACCESS, expiresInSeconds: DEFAULT_EXPIRES_IN_SECONDS },
    });
  });

  it('names the field that is wrong, without the body', () => {
    expect(problemOf('not json')).toMatch(/not a JSON object/);
    expect(problemOf([ACCESS])).toMatch(/not a JSON object/);
    expect(problemOf({ token_type: 'Bearer' })).toMatch(/access_token/);
    expect(problemOf({ access_token: 'has space', token_type: 'Bearer' })).toMatch(/access_token/);
    expect(problemOf({ access_token: ACCESS, token_type: 'mac' })).toMatch(/token_type is "mac"/);
    expect(problemOf({ access_token: ACCESS })).toMatch(/token_type is undefined/);
    for (const expires of [0, -5, 'soon', '', true, '1e3']) {
      const problem = problemOf({ access_token: ACCESS, token_type: 'Bearer', expires_in: expires });
      expect(problem).toMatch(/expires_in/);
      expect(problem).not.toContain(ACCESS);
    }
  });
});

describe('parseOAuthError', () => {
  const redact = (text: string) => text.split('s3cret').join('[REDACTED]');

  it('reads error and error_description, redacted', () => {
    expect(
      parseOAuthError(
        JSON.stringify({ error: 'invalid_client', error_description: 'client s3cret unknown' }),
        redact,
      ),
    ).toEqual({ oauthError: 'invalid_client', errorDescription: 'client [REDACTED] unknown' });
    expect(parseOAuthError(JSON.stringify({ error: 'invalid_grant' }), redact)).toEqual({
      oauthError: 'invalid_grant',
      errorDescription: null,
    });
  });

  it('is null for a body that is not an OAuth error', () => {
    for (const text of ['', '<html>401</html>', '{}', '{"error":{"message":"x"}}', '{"error":"a\\"b"}']) {
      expect(parseOAuthError(text, redact)).toBeNull();
    }
  });
});

describe('basicCredentials (RFC 6749 §2.3.1)', () => {
  it('form-urlencodes id and secret before joining and base64-encoding them', () => {
    const header = basicCredentials({ clientId: 'my client:1', clientSecret: 'p@ss word/+é' });
    const decoded = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
    expect(header.startsWith('Basic ')).toBe(true);
    expect(decoded).toBe('my+client%3A1:p%40ss+word%2F%2B%C3%A9');
  });

  it('leaves plain letters, digits and -._* alone', () => {
    const header = basicCredentials({ clientId: 'Abc-1.2_3*', clientSecret: 'S3cr3t' });
    expect(Buffer.from(header.slice(6), 'base64').toString('utf8')).toBe('Abc-1.2_3*:S3cr3t');
  });
});

describe('isInvalidTokenChallenge', () => {
  const res = (status: number, challenge?: string): HttpResponse => ({
    status,
    headers: challenge === undefined ? {} : { 'www-authenticate': challenge },
    body: Buffer.alloc(0),
    wireBytes: 0,
    requestMs: 0,
  });

  it('is a 401 whose Bearer challenge says invalid_token', () => {
    expect(isInvalidTokenChallenge(res(401, 'Bearer error="invalid_token"'))).toBe(true);
    expect(
      isInvalidTokenChallenge(
        res(401, 'bearer realm="afas", error="invalid_token", error_description="expired"'),
      ),
    ).toBe(true);
    expect(isInvalidTokenChallenge(res(401, 'Bearer error=invalid_token'))).toBe(true);
  });

  it('is not any other 401 or status', () => {
    expect(isInvalidTokenChallenge(res(401))).toBe(false);
    expect(isInvalidTokenChallenge(res(401, 'Bearer realm="afas"'))).toBe(false);
    expect(isInvalidTokenChallenge(res(401, 'Bearer error="insufficient_scope"'))).toBe(false);
    expect(isInvalidTokenChallenge(res(401, 'Basic realm="x", error="invalid_token"'))).toBe(false);
    expect(isInvalidTokenChallenge(res(403, 'Bearer error="invalid_token"'))).toBe(false);
  });
});
