import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AfasUsageError } from '../../src/afas/errors.js';
import { AfasToken } from '../../src/afas/token.js';
import { afasOnlineBaseUrl, isLoopbackHost, resolveBaseUrl } from '../../src/afas/urls.js';

const DATA = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';
const XML = `<token><version>1</version><data>${DATA}</data></token>`;
const B64 = Buffer.from(XML).toString('base64');

describe('AfasToken', () => {
  it('builds "AfasToken base64(xml)" from the XML, the bare data string, or the base64 form', () => {
    expect(new AfasToken(XML).authorizationHeader()).toBe(`AfasToken ${B64}`);
    expect(new AfasToken(DATA).authorizationHeader()).toBe(`AfasToken ${B64}`);
    expect(new AfasToken(`${XML}\r\n`).authorizationHeader()).toBe(`AfasToken ${B64}`);
    expect(new AfasToken(B64).authorizationHeader()).toBe(`AfasToken ${B64}`);
    expect(
      new AfasToken(
        `<token>\n  <version>1</version>\n  <data>${DATA}</data>\n</token>`,
      ).authorizationHeader(),
    ).toBe(`AfasToken ${B64}`);
  });

  it('rejects a malformed token without echoing it', () => {
    for (const bad of [
      '',
      'abc',
      'has space in it',
      `<token><data>${DATA}</data></token>`,
      'secret-with-dash!',
    ]) {
      try {
        new AfasToken(bad);
        expect.unreachable(bad);
      } catch (err) {
        expect(err).toBeInstanceOf(AfasUsageError);
        if (bad.length >= 4) expect((err as Error).message).not.toContain(bad);
      }
    }
  });

  it('never shows the secret in string forms, and redacts every form from text', () => {
    const token = new AfasToken(XML);
    for (const text of [
      String(token),
      JSON.stringify({ token }),
      inspect(token),
      inspect({ token }, { depth: 5 }),
    ]) {
      expect(text).not.toContain(DATA);
      expect(text).not.toContain(B64);
    }
    expect(token.redact(`a ${DATA} b ${B64} c ${XML} d`)).toBe('a [REDACTED] b [REDACTED] c [REDACTED] d');
  });
});

describe('base URLs', () => {
  it('maps environment id + type to AFAS Online', () => {
    expect(afasOnlineBaseUrl('12345', 'production')).toBe(
      'https://12345.rest.afas.online/ProfitRestServices',
    );
    expect(afasOnlineBaseUrl('12345', 'test')).toBe('https://12345.resttest.afas.online/ProfitRestServices');
    expect(afasOnlineBaseUrl('12345', 'accept')).toBe(
      'https://12345.restaccept.afas.online/ProfitRestServices',
    );
  });

  it('validates the environment id and type', () => {
    for (const id of ['', 'O12345AA', '12a45', '../x', '1'.repeat(11)]) {
      expect(() => afasOnlineBaseUrl(id, 'production'), id).toThrow(AfasUsageError);
    }
    expect(() => afasOnlineBaseUrl('12345', 'staging' as never)).toThrow(AfasUsageError);
  });

  it('accepts an http(s) override and strips a trailing slash', () => {
    const base = { environmentId: '12345', environmentType: 'test' as const };
    expect(resolveBaseUrl(base)).toBe('https://12345.resttest.afas.online/ProfitRestServices');
    expect(resolveBaseUrl({ ...base, baseUrl: 'http://127.0.0.1:8080/ProfitRestServices/' })).toBe(
      'http://127.0.0.1:8080/ProfitRestServices',
    );
    expect(resolveBaseUrl({ ...base, baseUrl: 'https://proxy.example/afas' })).toBe(
      'https://proxy.example/afas',
    );
    for (const bad of [
      'ftp://x/y',
      'not a url',
      'http://user:pw@host/x',
      'http://host/x?y=1',
      'file:///etc/passwd',
    ]) {
      expect(() => resolveBaseUrl({ ...base, baseUrl: bad }), bad).toThrow(AfasUsageError);
    }
    expect(() =>
      resolveBaseUrl({ environmentId: 'abc', environmentType: 'test', baseUrl: 'http://x' }),
    ).toThrow(AfasUsageError);
  });
});

describe('plain http:// carries the token only to this machine unless allowed', () => {
  const base = { environmentId: '12345', environmentType: 'test' as const };

  it.each([
    'http://afas.example.com/ProfitRestServices',
    'http://10.0.0.5:8080/ProfitRestServices',
    'http://127.0.0.1.evil.example/ProfitRestServices',
    'http://localhost.evil.example/ProfitRestServices',
    'http://[::ffff:127.0.0.1]/ProfitRestServices',
    'http://[fd00::2]/ProfitRestServices',
  ])('refuses %s, naming the URL and the flag', (baseUrl) => {
    const shown = `${new URL(baseUrl).origin}/ProfitRestServices`;
    expect(() => resolveBaseUrl({ ...base, baseUrl })).toThrow(
      new AfasUsageError(
        `AFAS base URL ${shown} uses plain http:// to a host that is not this machine, so the AFAS token ` +
          'would cross the network unencrypted; use https://, or pass --allow-insecure-http to ' +
          '`afas-sync source add|update` to accept that',
      ),
    );
    expect(resolveBaseUrl({ ...base, baseUrl, allowInsecureHttp: true })).toBe(shown);
  });

  it.each([
    'http://127.0.0.1:8080/ProfitRestServices',
    'http://127.42.7.1/ProfitRestServices',
    'http://0x7f.1/ProfitRestServices',
    'http://localhost:9/ProfitRestServices',
    'http://LOCALHOST:9/ProfitRestServices',
    'http://[::1]:9/ProfitRestServices',
    'https://afas.example.com/ProfitRestServices',
  ])('accepts %s without the flag', (baseUrl) => {
    expect(resolveBaseUrl({ ...base, baseUrl })).toBe(`${new URL(baseUrl).origin}/ProfitRestServices`);
  });

  it('knows loopback by the normalised host only', () => {
    expect(isLoopbackHost('127.255.255.254')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('::1')).toBe(false); // URL.hostname keeps the brackets
    expect(isLoopbackHost('localhost.')).toBe(false);
  });
});
