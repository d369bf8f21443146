import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afasTokenHeader, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { SimControl } from '../helpers/simulator.js';

describe('simulator custom GetConnectors (/__sim/custom-connectors)', () => {
  let sim: RunningSimulator;
  let control: SimControl;
  const get = async (path: string) => {
    const response = await request(`${sim.baseUrl}${path}`, {
      headers: { authorization: afasTokenHeader('demo') },
    });
    return { status: response.statusCode, text: await response.body.text() };
  };
  const rowsOf = (text: string) => (JSON.parse(text) as { rows: unknown[] }).rows;

  beforeAll(async () => {
    sim = await startSimulator({ control: true, administrations: 1, years: [2025], linesPerYear: 10 });
    control = new SimControl(sim.url);
    await control.call('POST', 'custom-connectors', {
      id: 'Hostile_Things',
      fields: [
        { id: 'UnitId', dataType: 'int' },
        { id: 'Naam met spatie', dataType: 'string' },
        { id: 'Bedrag', dataType: 'decimal' },
      ],
      rows: [
        '{"UnitId":2,"Naam met spatie":"b \\ud800","Bedrag":123456789012345678901234567890.5}',
        { UnitId: 1, 'Naam met spatie': 'a', Bedrag: 1.5 },
        '{"UnitId":"x","Naam met spatie":null}',
      ],
    });
  });

  afterAll(async () => sim?.close());

  it('lists the connector in metainfo and describes its fields', async () => {
    expect(
      (JSON.parse((await get('/metainfo')).text) as { getConnectors: unknown[] }).getConnectors,
    ).toContainEqual({
      id: 'Hostile_Things',
      description: 'Hostile_Things',
    });
    const meta = JSON.parse((await get('/metainfo/get/Hostile_Things')).text) as {
      fields: { id: string; dataType: string }[];
    };
    expect(meta.fields.map((field) => [field.id, field.dataType])).toEqual([
      ['UnitId', 'int'],
      ['Naam met spatie', 'string'],
      ['Bedrag', 'decimal'],
    ]);
  });

  it('serves rows verbatim with ordering, filters and paging', async () => {
    const all = await get('/connectors/Hostile_Things?skip=0&take=10&orderbyfieldids=UnitId');
    expect(all.status).toBe(200);
    // Unparsable values sort as empty; the served text keeps the exact literal and the escape.
    expect(all.text).toBe(
      '{"skip":0,"take":10,"rows":[{"UnitId":"x","Naam met spatie":null},{"UnitId":1,"Naam met spatie":"a","Bedrag":1.5},' +
        '{"UnitId":2,"Naam met spatie":"b \\ud800","Bedrag":123456789012345678901234567890.5}]}',
    );
    const filtered = await get(
      '/connectors/Hostile_Things?filterfieldids=UnitId&filtervalues=2&operatortypes=1&skip=0&take=1',
    );
    expect(filtered.text).toContain('123456789012345678901234567890.5');
    expect(rowsOf(filtered.text)).toHaveLength(1);
    const page2 = await get('/connectors/Hostile_Things?skip=2&take=2&orderbyfieldids=UnitId');
    expect(rowsOf(page2.text)).toHaveLength(1);
  });

  it('rejects standard ids, bad rows and duplicate fields; removes connectors', async () => {
    await expect(
      control.call('POST', 'custom-connectors', {
        id: 'Profit_Accounts',
        fields: [{ id: 'a', dataType: 'string' }],
        rows: [],
      }),
    ).rejects.toThrow(/409/);
    await expect(
      control.call('POST', 'custom-connectors', {
        id: 'X',
        fields: [{ id: 'a', dataType: 'string' }],
        rows: ['[1]'],
      }),
    ).rejects.toThrow(/rows\[0\] is not a JSON object/);
    await expect(
      control.call('POST', 'custom-connectors', {
        id: 'X',
        fields: [
          { id: 'a', dataType: 'string' },
          { id: 'a', dataType: 'int' },
        ],
        rows: [],
      }),
    ).rejects.toThrow(/listed twice/);
    await control.call('DELETE', 'custom-connectors/Hostile_Things');
    expect((await get('/connectors/Hostile_Things?skip=0&take=1')).status).toBe(401);
  });
});
