// Issue 19, item 7 through the real `afas-sync` binary: write-back is opt-in per source. Enabling it
// (source add|update --write-back) asks AFAS first whether the App connector offers the FiEntries
// UpdateConnector and stores nothing when it does not; disabling asks nothing; source test, show and
// list report it. Real PostgreSQL and Temporal, the simulator over HTTP.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requiredConnectorIds } from '../../src/catalog/index.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { allOutput, errorLines, runCli, sourceAddArgs } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SimControl } from '../helpers/simulator.js';

const FULL_TOKEN = `wbFull${randomBytes(8).toString('hex')}`;
const READ_TOKEN = `wbRead${randomBytes(8).toString('hex')}`;
const KEY = randomBytes(32).toString('hex');
/** What the seed's setup gives an App connector: the GetConnectors, no UpdateConnector. */
const GET_ONLY = requiredConnectorIds({ connectorPrefix: 'Profit_', connectorMap: {} });
const HOW_TO =
  'Add the UpdateConnector FiEntries to the App connector "read app" in AFAS Profit ' +
  '(General > Management > App connectors > UpdateConnectors): write-back posts journal entries through it.';

interface ShownSource {
  name: string;
  writeBack: boolean;
  status: string;
}

describe('afas-sync source --write-back', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let control: SimControl;
  let env: Record<string, string>;
  const cli = (args: string[], input?: string) => runCli(args, { env, input });
  const add = (name: string, token: string, ...extra: string[]) =>
    cli([...sourceAddArgs(name, sim.baseUrl), '--token-stdin', ...extra], `${token}\n`);
  const shown = async (name: string) =>
    JSON.parse((await cli(['source', 'show', name, '--json'])).stdout) as ShownSource;
  const listed = async () =>
    (JSON.parse((await cli(['source', 'list', '--json'])).stdout) as ShownSource[]).map((s) => [
      s.name,
      s.writeBack,
    ]);
  const metainfoCalls = async () =>
    (await control.requests()).filter((request) => /\/metainfo$/i.test(request.path)).length;

  beforeAll(async () => {
    [db, sim] = await Promise.all([
      createTestDatabase(),
      startSimulator({
        linesPerYear: 20,
        control: true,
        tokens: [
          { token: FULL_TOKEN, appName: 'full app' },
          { token: READ_TOKEN, appName: 'read app', connectors: GET_ONLY },
        ],
      }),
      ensureBuilt(),
    ]);
    control = new SimControl(sim.url);
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `write-back-${randomBytes(4).toString('hex')}`,
      AFAS_SYNC_SECRET_KEY: KEY,
    };
  });
  afterAll(async () => {
    for (const name of ['optin-reader', 'optin-writer'])
      await runCli(['source', 'remove', name], { env: env ?? {} }).catch(() => undefined);
    await sim?.close();
    await db?.drop();
    for (const output of allOutput) {
      expect(output).not.toContain(FULL_TOKEN);
      expect(output).not.toContain(READ_TOKEN);
    }
  });

  it('refuses to add a source with --write-back when the App connector lacks FiEntries, and stores nothing', async () => {
    const refused = await add('optin-reader', READ_TOKEN, '--write-back');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('11 of 11 required GetConnectors present');
    expect(refused.stdout).toMatch(/write-back\s+UpdateConnector FiEntries NOT offered/);
    expect(refused.stdout).toContain(HOW_TO);
    expect(errorLines(refused)).toEqual([
      'afas-sync: source "optin-reader" not stored: write-back needs the UpdateConnector FiEntries, which the App ' +
        'connector does not offer (add it in AFAS, or leave out --write-back)',
    ]);
    expect(await listed()).toEqual([]);
  });

  it('refuses --write-back with --skip-check: enabling needs AFAS to confirm FiEntries', async () => {
    const refused = await add('optin-reader', READ_TOKEN, '--write-back', '--skip-check');
    expect(refused.code).toBe(2);
    expect(errorLines(refused)).toEqual([
      expect.stringMatching(/^afas-sync: --write-back cannot go with --skip-check: .*FiEntries$/),
    ]);
    expect(await listed()).toEqual([]);
  });

  it('adds a source that only reads by default, without asking about FiEntries', async () => {
    const added = await add('optin-reader', READ_TOKEN);
    expect(added.code).toBe(0);
    expect(added.stdout).not.toContain('FiEntries');
    expect(added.stdout).toContain('source "optin-reader" added');
    expect(await shown('optin-reader')).toMatchObject({ name: 'optin-reader', writeBack: false });
    const text = (await cli(['source', 'show', 'optin-reader'])).stdout;
    expect(text).toMatch(
      /^write-back +off \(enable with `afas-sync source update optin-reader --write-back`\)$/m,
    );
  });

  it('refuses source update --write-back when FiEntries is not offered, and changes nothing', async () => {
    const before = await shown('optin-reader');
    const refused = await cli(['source', 'update', 'optin-reader', '--write-back']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(HOW_TO);
    expect(errorLines(refused)).toEqual([
      expect.stringMatching(
        /^afas-sync: source "optin-reader" not updated: write-back needs .*leave out --write-back\)$/,
      ),
    ]);
    expect(await shown('optin-reader')).toEqual(before);
  });

  it('adds a source with write-back when the App connector offers FiEntries', async () => {
    const added = await add('optin-writer', FULL_TOKEN, '--write-back');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/write-back\s+UpdateConnector FiEntries offered/);
    expect(added.stdout).toContain('; write-back enabled (FiEntries)');
    expect(await shown('optin-writer')).toMatchObject({ writeBack: true, status: 'active' });
    expect(await listed()).toEqual([
      ['optin-reader', false],
      ['optin-writer', true],
    ]);
    const table = (await cli(['source', 'list'])).stdout.split('\n');
    expect(table[0]).toMatch(/ write-back /);
    expect(table.find((row) => row.startsWith('optin-reader'))).toMatch(/ off /);
    expect(table.find((row) => row.startsWith('optin-writer'))).toMatch(/ on /);
    expect((await cli(['source', 'show', 'optin-writer'])).stdout).toMatch(
      /^write-back +enabled \(journal entries may be posted through FiEntries\)$/m,
    );
  });

  it('source test reports write-back: enabled and offered, or not enabled', async () => {
    const writer = await cli(['source', 'test', 'optin-writer']);
    expect(writer.code).toBe(0);
    expect(writer.stdout).toMatch(/write-back\s+UpdateConnector FiEntries offered/);
    expect(writer.stdout).toContain(
      'source "optin-writer" is ready: token accepted, all 11 GetConnectors present, write-back enabled and FiEntries offered',
    );
    const reader = await cli(['source', 'test', 'optin-reader']);
    expect(reader.code).toBe(0);
    expect(reader.stdout).toContain(
      'write-back: not enabled (the source only reads; enable it with `afas-sync source update optin-reader --write-back`)',
    );
    expect(reader.stdout).toContain(
      'source "optin-reader" is ready: token accepted, all 11 GetConnectors present\n',
    );
  });

  it('source test fails when FiEntries is no longer offered, without stopping the syncs', async () => {
    // The customer takes FiEntries out of the App connector: the same token, GetConnectors only.
    await control.call('POST', 'tokens', { token: FULL_TOKEN, appName: 'full app', connectors: GET_ONLY });
    const lost = await cli(['source', 'test', 'optin-writer']);
    expect(lost.code).toBe(1);
    expect(lost.stdout).toMatch(/write-back\s+UpdateConnector FiEntries NOT offered/);
    expect(errorLines(lost)).toEqual([
      'afas-sync: source "optin-writer" is not ready: write-back is enabled but the App connector no longer offers ' +
        'the UpdateConnector FiEntries (add it again in AFAS, or disable write-back with ' +
        '`afas-sync source update optin-writer --no-write-back`)',
    ]);
    // Reading needs no FiEntries: the source stays active, its write-back setting as it was.
    expect(await shown('optin-writer')).toMatchObject({ writeBack: true, status: 'active' });
  });

  it('keeps a connection change that would lose FiEntries from a source that writes back', async () => {
    const refused = await cli(['source', 'update', 'optin-writer', '--token-stdin'], `${READ_TOKEN}\n`);
    expect(refused.code).toBe(1);
    expect(errorLines(refused)).toEqual([
      expect.stringMatching(
        /^afas-sync: source "optin-writer" not updated: write-back needs .*pass --no-write-back\)$/,
      ),
    ]);
  });

  it('source update --no-write-back turns it off without calling AFAS', async () => {
    await control.clearRequests();
    const off = await cli(['source', 'update', 'optin-writer', '--no-write-back']);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('source "optin-writer" updated (write-back disabled)');
    expect(await metainfoCalls()).toBe(0);
    expect((await control.requests()).length).toBe(0);
    expect(await shown('optin-writer')).toMatchObject({ writeBack: false });
    expect((await cli(['source', 'test', 'optin-writer'])).code).toBe(0);
  });

  it('source update --write-back turns it on again once AFAS offers FiEntries again', async () => {
    await control.call('POST', 'tokens', { token: FULL_TOKEN, appName: 'full app' });
    await control.clearRequests();
    const on = await cli(['source', 'update', 'optin-writer', '--write-back']);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('source "optin-writer" updated (write-back enabled)');
    expect(await metainfoCalls()).toBe(1);
    expect(await shown('optin-writer')).toMatchObject({ writeBack: true });
  });
});
