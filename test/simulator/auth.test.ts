import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { afasTokenHeader, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { afasGet, authHeaders, control, http, profitError } from './helpers.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    control: true,
    linesPerYear: 50,
    tokens: [
      { token: 'demo' },
      {
        token: 'FINSTACK0123456789ABCDEF',
        appName: 'Finstack',
        connectors: ['Finstack_Administrations', 'Finstack_Transactions'],
      },
    ],
  });
});

afterAll(async () => {
  await sim.close();
});

describe('authentication', () => {
  it('answers 401 without body when the Authorization header is missing', async () => {
    const result = await afasGet(sim, '/connectors/Profit_Administrations', {});
    expect(result.status).toBe(401);
    expect(result.text).toBe('');
  });

  it('answers 401 without body for an unknown token', async () => {
    const result = await afasGet(sim, '/connectors/Profit_Administrations', authHeaders('nope'));
    expect(result.status).toBe(401);
    expect(result.text).toBe('');
  });

  it('answers 401 for other schemes and garbage credentials', async () => {
    for (const authorization of [
      'Bearer abc',
      'AfasToken !!!not-base64!!!',
      `AfasToken ${Buffer.from('hello').toString('base64')}`,
    ]) {
      const result = await afasGet(sim, '/metainfo', { authorization });
      expect(result.status, authorization).toBe(401);
    }
  });

  it('answers 500 with the unexpected-error JSON when the XML token is sent without base64', async () => {
    const result = await afasGet(sim, '/connectors/Profit_Administrations', {
      authorization: 'AfasToken <token><version>1</version><data>demo</data></token>',
    });
    expect(result.status).toBe(500);
    expect(profitError(result)).toMatchObject({
      errorNumber: -2147180999,
      externalMessage: 'Er is een onverwachte fout opgetreden.',
    });
  });

  it('accepts a valid base64 token, scheme case-insensitively', async () => {
    const header = afasTokenHeader('demo').replace('AfasToken', 'afastoken');
    const result = await afasGet(sim, '/connectors/Profit_Administrations', { authorization: header });
    expect(result.status).toBe(200);
  });

  it('rejects a connector outside the App connector with the 401 JSON message, NL by default', async () => {
    const result = await afasGet(
      sim,
      '/connectors/Profit_Transactions',
      authHeaders('FINSTACK0123456789ABCDEF'),
    );
    expect(result.status).toBe(401);
    const body = profitError(result);
    expect(body.externalMessage).toBe(
      'GetConnector niet ondersteund voor deze app of de gebruiker is niet geautoriseerd',
    );
    expect(body.profitLogReference).toMatch(/^[0-9A-F]{32}$/);
    expect(Buffer.from(String(result.headers['x-profit-error']), 'base64').toString('utf8')).toBe(
      body.externalMessage,
    );
  });

  it('speaks English with Accept-Language: en-us', async () => {
    const result = await afasGet(
      sim,
      '/connectors/Profit_Transactions',
      authHeaders('FINSTACK0123456789ABCDEF', 'en-us'),
    );
    expect(result.status).toBe(401);
    expect(profitError(result).externalMessage).toBe(
      'GetConnector not supported for this app or the user is not authorized',
    );
  });

  it('treats an unknown connector like an unauthorized one', async () => {
    const result = await afasGet(sim, '/connectors/Profit_Nope', authHeaders('demo', 'en-us'));
    expect(result.status).toBe(401);
    expect(profitError(result).externalMessage).toBe(
      'GetConnector not supported for this app or the user is not authorized',
    );
    const meta = await afasGet(sim, '/metainfo/get/Profit_Nope', authHeaders('demo', 'en-us'));
    expect(meta.status).toBe(401);
  });

  it('lists only the App connector’s connectors in metainfo', async () => {
    const result = await afasGet(sim, '/metainfo', authHeaders('FINSTACK0123456789ABCDEF'));
    const body = JSON.parse(result.text) as {
      getConnectors: { id: string }[];
      updateConnectors: unknown[];
      info: { appName: string };
    };
    expect(body.getConnectors.map((c) => c.id)).toEqual([
      'Finstack_Administrations',
      'Finstack_Transactions',
    ]);
    expect(body.updateConnectors).toEqual([]);
    expect(body.info.appName).toBe('Finstack');
  });

  it('refuses FiEntries for a token without it', async () => {
    const result = await http(`${sim.baseUrl}/connectors/FiEntries`, {
      method: 'POST',
      headers: { ...authHeaders('FINSTACK0123456789ABCDEF', 'en-us'), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(result.status).toBe(401);
    expect(profitError(result).externalMessage).toBe(
      'General message: This UpdateConnector is not supported or the user is not authorized.',
    );
  });

  it('adds and revokes tokens through the control API', async () => {
    const added = await control(sim, 'POST', '/tokens', {
      token: 'ABCDEF0123',
      connectors: ['Profit_Accounts'],
    });
    expect(added.status).toBe(201);
    expect((await afasGet(sim, '/connectors/Profit_Accounts', authHeaders('ABCDEF0123'))).status).toBe(200);
    expect((await afasGet(sim, '/connectors/Profit_Debtor', authHeaders('ABCDEF0123'))).status).toBe(401);

    const revoked = await control<{ revoked: boolean }>(sim, 'POST', '/tokens/revoke', {
      token: 'ABCDEF0123',
    });
    expect(revoked.body.revoked).toBe(true);
    const after = await afasGet(sim, '/connectors/Profit_Accounts', authHeaders('ABCDEF0123'));
    expect(after.status).toBe(401);
    expect(after.text).toBe('');
  });

  it('rejects a token naming an unknown connector', async () => {
    const result = await control<{ error: string }>(sim, 'POST', '/tokens', {
      token: 'X1',
      connectors: ['Profit_Nope'],
    });
    expect(result.status).toBe(400);
    expect(result.body.error).toContain('Profit_Nope');
  });
});
