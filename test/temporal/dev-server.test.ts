// startDevServer against a CLI that dies while starting: a fresh try on fresh ports, and a clear
// error naming the panic once the tries are spent. Starts real dev servers, so it runs with the
// stack's tests (the injected address is the global server's, only checked to differ).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findTemporalCli, startDevServer } from '../../src/temporal/dev-server.js';

const dir = mkdtempSync(join(tmpdir(), 'afas-dev-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CLI that panics on its first `failures` calls, then is the real one; counts its calls. */
function flakyCli(failures: number): { path: string; calls: () => number } {
  const counter = join(dir, `calls-${failures}-${Math.random().toString(16).slice(2)}`);
  writeFileSync(counter, '');
  const path = `${counter}.sh`;
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      `echo x >> '${counter}'`,
      `if [ "$(wc -l < '${counter}')" -le ${failures} ]; then`,
      '  echo "panic: listen tcp 127.0.0.1:7233: bind: address already in use" >&2',
      '  exit 2',
      'fi',
      `exec '${findTemporalCli()}' "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return { path, calls: () => readFileSync(counter, 'utf8').split('\n').filter(Boolean).length };
}

describe('startDevServer', () => {
  it('starts again when the server dies while starting, on other ports', async () => {
    const cli = flakyCli(2);
    const server = await startDevServer({ cliPath: cli.path });
    try {
      expect(cli.calls()).toBe(3);
      expect(server.address).not.toBe(inject('temporalAddress'));
    } finally {
      await server.stop();
    }
  });

  it('gives up after three deaths, naming the panic', async () => {
    const cli = flakyCli(5);
    await expect(startDevServer({ cliPath: cli.path })).rejects.toThrow(
      /exited with code 2 \(panic: listen tcp 127\.0\.0\.1:7233: bind: address already in use\)/,
    );
    expect(cli.calls()).toBe(3);
  });

  it('a pinned port is not changed behind the caller: one try', async () => {
    const cli = flakyCli(1);
    await expect(startDevServer({ cliPath: cli.path, port: 1 })).rejects.toThrow(/exited with code 2/);
    expect(cli.calls()).toBe(1);
  });
});
