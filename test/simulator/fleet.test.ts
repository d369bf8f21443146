// One simulator process serving several environments (`npm run bench:fleet`): each under its own
// path with its own data, tokens, control API and concurrency gauge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorFleet, type RunningSimulatorFleet } from '../../src/simulator/index.js';
import { authHeaders, http } from './helpers.js';

let fleet: RunningSimulatorFleet;
const YEARS = [2025];

beforeAll(async () => {
  fleet = await startSimulatorFleet({
    control: true,
    environments: [
      {
        id: '101',
        seed: 1,
        administrations: 1,
        years: YEARS,
        linesPerYear: 20,
        tokens: [{ token: 'TOKEN-A' }],
      },
      {
        id: '202',
        seed: 2,
        administrations: 2,
        years: YEARS,
        linesPerYear: 60,
        tokens: [{ token: 'TOKEN-B' }],
      },
    ],
  });
});

afterAll(async () => {
  await fleet.close();
});

function environment(id: string) {
  const found = fleet.environments.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no environment ${id}`);
  return found;
}

async function health(id: string): Promise<{ journalLines: number; administrations: number; seed: number }> {
  return JSON.parse((await http(`${environment(id).url}/__sim/health`)).text) as {
    journalLines: number;
    administrations: number;
    seed: number;
  };
}

const ACCOUNTS = '/connectors/Profit_Accounts?take=1&orderbyfieldids=Account';

describe('startSimulatorFleet', () => {
  it('serves each environment under its own path with its own data', async () => {
    expect(fleet.environments.map((env) => env.baseUrl)).toEqual([
      `${fleet.url}/101/ProfitRestServices`,
      `${fleet.url}/202/ProfitRestServices`,
    ]);
    const [a, b] = [await health('101'), await health('202')];
    expect([a.seed, a.administrations, a.journalLines]).toEqual([1, 1, 20]);
    expect([b.seed, b.administrations, b.journalLines]).toEqual([2, 2, 120]);
    const metainfo = await http(`${environment('202').baseUrl}/metainfo`, {
      headers: authHeaders('TOKEN-B'),
    });
    expect((JSON.parse(metainfo.text) as { info: { envid: string } }).info.envid).toBe('O202AA');
  });

  it("accepts each environment's token only there", async () => {
    const a = environment('101').baseUrl;
    const b = environment('202').baseUrl;
    expect((await http(`${a}${ACCOUNTS}`, { headers: authHeaders('TOKEN-A') })).status).toBe(200);
    expect((await http(`${b}${ACCOUNTS}`, { headers: authHeaders('TOKEN-A') })).status).toBe(401);
    expect((await http(`${b}${ACCOUNTS}`, { headers: authHeaders('TOKEN-B') })).status).toBe(200);
  });

  it('counts concurrent calls and applies control calls per environment', async () => {
    const a = environment('101');
    const b = environment('202');
    await http(`${a.url}/__sim/concurrency`, { method: 'DELETE' });
    await http(`${b.url}/__sim/concurrency`, { method: 'DELETE' });
    await http(`${a.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'slow', delayMs: 300, count: 2 }),
    });
    const calls = [1, 2].map(() => http(`${a.baseUrl}${ACCOUNTS}`, { headers: authHeaders('TOKEN-A') }));
    await http(`${b.baseUrl}${ACCOUNTS}`, { headers: authHeaders('TOKEN-B') });
    await Promise.all(calls);
    const gauge = async (url: string) => JSON.parse((await http(`${url}/__sim/concurrency`)).text) as unknown;
    expect(await gauge(a.url)).toEqual({ inFlight: 0, max: 2 });
    expect(await gauge(b.url)).toEqual({ inFlight: 0, max: 1 });
    // A mutation of one environment leaves the other alone.
    const before = (await health('202')).journalLines;
    await http(`${a.url}/__sim/mutate-random`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ days: 1, seed: 7 }),
    });
    expect((await health('202')).journalLines).toBe(before);
  });

  it('answers 404 outside every environment', async () => {
    expect((await http(`${fleet.url}/303/ProfitRestServices/metainfo`)).status).toBe(404);
    expect((await http(`${fleet.url}/ProfitRestServices/metainfo`)).status).toBe(404);
  });

  it('refuses repeated or malformed environment ids, and bad options naming the environment', async () => {
    await expect(startSimulatorFleet({ environments: [{ id: '1' }, { id: '1' }] })).rejects.toThrow(
      'environment id 1 is listed twice',
    );
    await expect(startSimulatorFleet({ environments: [{ id: 'abc' }] })).rejects.toThrow(
      'environment id must be 1 to 10 digits, got "abc"',
    );
    await expect(startSimulatorFleet({ environments: [{ id: '5', administrations: 0 }] })).rejects.toThrow(
      'environment 5: simulator options: administrations must be an integer',
    );
  });
});
