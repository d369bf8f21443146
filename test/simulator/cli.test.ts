import { afterEach, describe, expect, it, vi } from 'vitest';

import { parseSimulatorArgs, SimulatorArgsError, simulatorMain } from '../../src/simulator/index.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('simulator command-line flags', () => {
  it('parses every flag, with separate or = values', () => {
    expect(
      parseSimulatorArgs([
        '--port',
        '8080',
        '--seed=42',
        '--scale',
        '2.5',
        '--token',
        'ABC',
        '--token=DEF',
        '--control',
        '--administrations',
        '3',
        '--years',
        '2024,2025,2026',
        '--finstack-admins',
        '1,2',
        '--language',
        'en-us',
        '--host',
        '0.0.0.0',
        '--lines-per-year',
        '100',
      ]),
    ).toEqual({
      port: 8080,
      seed: 42,
      scale: 2.5,
      tokens: [{ token: 'ABC' }, { token: 'DEF' }],
      control: true,
      administrations: 3,
      years: [2024, 2025, 2026],
      finstackAdministrationIds: [1, 2],
      language: 'en-us',
      host: '0.0.0.0',
      linesPerYear: 100,
    });
    expect(parseSimulatorArgs([])).toEqual({});
    expect(parseSimulatorArgs(['--help'])).toBeUndefined();
  });

  it('rejects bad values with one-line messages naming the flag', () => {
    const cases: [string[], string][] = [
      [['--port', 'abc'], "--port: expected an integer, got 'abc'"],
      [['--port', '70000'], '--port: expected a value from 0 to 65535, got 70000'],
      [['--scale', '0'], "--scale: expected a positive number, got '0'"],
      [['--years', '2024,,2025'], "--years: expected a comma-separated list of integers, got '2024,,2025'"],
      [['--years', '2024,2024'], "--years: values must not repeat, got '2024,2024'"],
      [['--administrations', '0'], '--administrations: expected a value from 1 to 999, got 0'],
      [['--finstack-admins', 'x'], "--finstack-admins: expected an integer, got 'x'"],
      [['--seed'], '--seed: missing value'],
      [['--language', 'fr-fr'], "--language: expected nl-nl or en-us, got 'fr-fr'"],
      [['--frobnicate'], "unknown option '--frobnicate' (see --help)"],
      [['--control=yes'], '--control takes no value'],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseSimulatorArgs(argv), argv.join(' ')).toThrow(new SimulatorArgsError(message));
      expect(message).not.toContain('\n');
    }
  });

  it('takes --update-latency as ms or s, and refuses fractions of a ms and more than 600 s', () => {
    expect(parseSimulatorArgs(['--update-latency', '200ms'])).toEqual({ updateLatencyMs: 200 });
    expect(parseSimulatorArgs(['--update-latency=0.2s'])).toEqual({ updateLatencyMs: 200 });
    expect(parseSimulatorArgs(['--update-latency', '1.1s'])).toEqual({ updateLatencyMs: 1_100 });
    expect(parseSimulatorArgs(['--update-latency', '250'])).toEqual({ updateLatencyMs: 250 });
    for (const bad of ['fast', '-5', '0.5ms', '601s', '']) {
      expect(() => parseSimulatorArgs([`--update-latency=${bad}`]), bad).toThrow(
        new SimulatorArgsError(
          `--update-latency: expected a whole number of ms like 200, 200ms or 0.2s (at most 600s), got '${bad}'`,
        ),
      );
    }
  });

  it('prints one error line and sets exit code 2 for bad flags', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    await simulatorMain(['--port', 'x']);
    expect(process.exitCode).toBe(2);
    expect(writes).toEqual(["afas-sync simulator: --port: expected an integer, got 'x'\n"]);
  });
});
