// startDevServer against a CLI that dies while starting: a fresh try on fresh ports, and a clear
// error naming the panic once the tries are spent; a port the caller pinned is retried only when the
// clash was on another port. Starts real dev servers, so it runs with the
// stack's tests (the injected address is the global server's, only checked to differ).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findTemporalCli, freePort, startDevServer } from '../../src/temporal/dev-server.js';

const dir = mkdtempSync(join(tmpdir(), 'afas-dev-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A CLI that fails to bind `busyPort` on its first `failures` calls, then is the real one; counts
 * its calls.
 */
function flakyCli(failures: number, busyPort = 7233): { path: string; calls: () => number } {
  const counter = join(dir, `calls-${failures}-${Math.random().toString(16).slice(2)}`);
  writeFileSync(counter, '');
  const path = `${counter}.sh`;
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      `echo x >> '${counter}'`,
      `if [ "$(wc -l < '${counter}')" -le ${failures} ]; then`,
      `  echo "panic: listen tcp 127.0.0.1:${busyPort}: bind: address already in use" >&2`,
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

  it('a pinned port that is in use is not changed behind the caller: one try', async () => {
    const port = await freePort();
    const cli = flakyCli(1, port);
    await expect(startDevServer({ cliPath: cli.path, port })).rejects.toThrow(
      new RegExp(`127\\.0\\.0\\.1:${port}: bind: address already in use`),
    );
    expect(cli.calls()).toBe(1);
  });

  it('with a pinned port, a clash on a port it picked itself (HTTP API, metrics) is tried again', async () => {
    const port = await freePort();
    const cli = flakyCli(1, port === 7233 ? 7234 : 7233);
    const server = await startDevServer({ cliPath: cli.path, port });
    try {
      expect(cli.calls()).toBe(2);
      expect(server.address).toBe(`127.0.0.1:${port}`);
    } finally {
      await server.stop();
    }
  });
});
