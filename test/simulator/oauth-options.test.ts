import { describe, expect, it } from 'vitest';

import { parseSimulatorArgs, SimulatorArgsError, startSimulator } from '../../src/simulator/index.js';
import { resolveOptions } from '../../src/simulator/options.js';
import { fetchToken } from './oauth-helpers.js';

describe('OAuth command-line flags', () => {
  it('parses repeatable --oauth-client ID:SECRET (secret may hold colons) and --oauth-token-ttl', () => {
    expect(
      parseSimulatorArgs([
        '--oauth-client',
        'worker:s3cret',
        '--oauth-client=other:a:b:c',
        '--oauth-token-ttl',
        '5s',
      ]),
    ).toEqual({
      oauthClients: [
        { clientId: 'worker', clientSecret: 's3cret' },
        { clientId: 'other', clientSecret: 'a:b:c' },
      ],
      oauthTokenTtlSeconds: 5,
    });
    for (const encoding of ['both', 'raw', 'urlencoded'] as const) {
      expect(parseSimulatorArgs([`--oauth-basic-encoding=${encoding}`])).toEqual({
        oauthBasicEncoding: encoding,
      });
    }
    for (const [text, seconds] of [
      ['300', 300],
      ['2m', 120],
      ['1h', 3600],
      ['45S', 45],
    ] as const) {
      expect(parseSimulatorArgs(['--oauth-token-ttl', text])?.oauthTokenTtlSeconds, text).toBe(seconds);
    }
  });

  it('rejects bad values with one line naming the flag and never the secret', () => {
    const cases: [string[], string][] = [
      [['--oauth-client', 'no-colon'], '--oauth-client: expected ID:SECRET with a non-empty id and secret'],
      [['--oauth-client', ':secret-1'], '--oauth-client: expected ID:SECRET with a non-empty id and secret'],
      [['--oauth-client', 'id:'], '--oauth-client: expected ID:SECRET with a non-empty id and secret'],
      [
        ['--oauth-client', 'a:secret-1', '--oauth-client', 'a:secret-2'],
        "--oauth-client: client 'a' is given twice",
      ],
      [
        ['--oauth-token-ttl', '0'],
        "--oauth-token-ttl: expected a lifetime like 300, 300s, 5m or 1h (1 s to 366 days), got '0'",
      ],
      [
        ['--oauth-token-ttl', '5d'],
        "--oauth-token-ttl: expected a lifetime like 300, 300s, 5m or 1h (1 s to 366 days), got '5d'",
      ],
      [['--oauth-token-ttl'], '--oauth-token-ttl: missing value'],
      [
        ['--oauth-basic-encoding', 'latin1'],
        "--oauth-basic-encoding: expected both, raw, urlencoded, got 'latin1'",
      ],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseSimulatorArgs(argv), argv.join(' ')).toThrow(new SimulatorArgsError(message));
      expect(message).not.toMatch(/secret-\d/);
    }
  });
});

describe('OAuth options', () => {
  it('defaults to no clients, a 3600 s lifetime and either Basic form', () => {
    const resolved = resolveOptions({});
    expect(resolved.oauthClients).toEqual([]);
    expect(resolved.oauthTokenTtlSeconds).toBe(3600);
    expect(resolved.oauthBasicEncoding).toBe('both');
  });

  it('oauthBasicEncoding raw: a simulator taking only base64(id:secret), as AFAS documents it', async () => {
    expect(() => resolveOptions({ oauthBasicEncoding: 'latin1' as 'raw' })).toThrow(
      'simulator options: oauthBasicEncoding: the Basic encoding must be both, raw, urlencoded, got "latin1"',
    );
    const secret = 'a+b/c=d';
    const sim = await startSimulator({
      linesPerYear: 0,
      oauthClients: [{ clientId: 'raw-client', clientSecret: secret }],
      oauthBasicEncoding: 'raw',
    });
    try {
      // fetchToken sends RFC 6749's url-encoded form.
      await expect(fetchToken(sim, 'raw-client', secret)).rejects.toThrow(/→ 401/);
    } finally {
      await sim.close();
    }
  });

  it('rejects malformed clients and lifetimes with a message naming the option', () => {
    expect(() => resolveOptions({ oauthTokenTtlSeconds: 1.5 })).toThrow(
      /^simulator options: oauthTokenTtlSeconds: the token lifetime must be whole seconds/,
    );
    expect(() => resolveOptions({ oauthClients: [{ clientId: '', clientSecret: 'x' }] })).toThrow(
      /^simulator options: oauthClients: a client id must be non-empty/,
    );
    expect(() => resolveOptions({ oauthClients: [{ clientId: 'a', clientSecret: '' }] })).toThrow(
      "simulator options: oauthClients: the secret of client 'a' must be non-empty",
    );
    expect(() =>
      resolveOptions({
        oauthClients: [
          { clientId: 'a', clientSecret: 'x' },
          { clientId: 'a', clientSecret: 'y' },
        ],
      }),
    ).toThrow("simulator options: oauthClients: client 'a' is listed twice");
  });

  it('starts a simulator whose clients can get tokens, and refuses an unknown connector', async () => {
    const sim = await startSimulator({
      linesPerYear: 0,
      oauthClients: [{ clientId: 'demo-client', clientSecret: 'demo-secret' }],
    });
    try {
      expect(await fetchToken(sim, 'demo-client', 'demo-secret')).toMatch(/^[A-Za-z0-9_-]+$/);
    } finally {
      await sim.close();
    }
    await expect(
      startSimulator({
        oauthClients: [{ clientId: 'x', clientSecret: 'y', connectors: ['Profit_Nope'] }],
      }),
    ).rejects.toThrow("client 'x' names unknown connector(s): Profit_Nope");
  });
});
