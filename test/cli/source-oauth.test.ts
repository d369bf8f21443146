// Issue 16 through the real `afas-sync` binary, against the simulator's OAuth token endpoint, real
// PostgreSQL and Temporal: add an OAuth source (checked at metainfo with a Bearer token), see the
// credential and its expiry in list/show/status, switch a classic source to OAuth in place, rotate
// a secret. No secret appears in any output.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { allOutput, errorLines, runCli, sourceAddArgs } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const TOKEN = `oauthCliToken${randomBytes(8).toString('hex')}`;
const SECRET = `oauthCliSecret${randomBytes(8).toString('hex')}`;
const ROTATED = `oauthCliRotated${randomBytes(8).toString('hex')}`;
const KEY = randomBytes(32).toString('hex');
const CLIENT = 'acme-sync';

/** Today in Amsterdam and the date `days` later, computed apart from the code under test. */
const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });
const plusDays = (days: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const classicDays = Math.round(
  (Date.parse('2027-08-31T00:00:00Z') - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
);
const CLASSIC_TEXT = `classic token: stops working on 2027-08-31 (${classicDays} days)`;

describe('afas-sync source with an OAuth client', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let dir: string;
  let env: Record<string, string>;
  const cli = (args: string[], input?: string) => runCli(args, { env, input });
  const common = (name: string) => sourceAddArgs(name, sim.baseUrl);
  const tokenRequests = async () => {
    const state = (await (await fetch(`${sim.url}/__sim/oauth`)).json()) as {
      clients: { clientId: string; tokenRequests: { issued: number; refused: number } }[];
    };
    return state.clients.find((client) => client.clientId === CLIENT)?.tokenRequests;
  };

  beforeAll(async () => {
    [db, sim, dir] = await Promise.all([
      createTestDatabase(),
      startSimulator({
        linesPerYear: 50,
        control: true,
        tokens: [{ token: TOKEN, appName: 'classic app' }],
        oauthClients: [{ clientId: CLIENT, clientSecret: SECRET, appName: 'oauth app' }],
      }),
      mkdtemp(join(tmpdir(), 'afas-oauth-cli-')),
      ensureBuilt(),
    ]);
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `oauth-cli-${randomBytes(4).toString('hex')}`,
      AFAS_SYNC_SECRET_KEY: KEY,
    };
  });
  afterAll(async () => {
    for (const name of ['legacy', 'modern', 'switch'])
      await runCli(['source', 'remove', name], { env: env ?? {} }).catch(() => undefined);
    await sim?.close();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
    for (const output of allOutput) {
      expect(output).not.toContain(SECRET);
      expect(output).not.toContain(ROTATED);
      expect(output).not.toContain(TOKEN);
    }
  });

  it('adds an OAuth source only once AFAS accepted the client, and shows when its secret expires', async () => {
    const wrong = await cli([...common('modern'), '--client-id', CLIENT, '--client-secret-stdin'], 'not-it');
    expect(wrong.code).toBe(1);
    expect(errorLines(wrong)).toEqual([
      expect.stringMatching(/^afas-sync: AFAS check of source "modern" failed: /),
    ]);
    expect(errorLines(wrong)[0]).toContain('invalid_client');
    expect(JSON.parse((await cli(['source', 'list', '--json'])).stdout)).toEqual([]);

    const before = (await tokenRequests())?.issued ?? 0;
    const expires = plusDays(10);
    const added = await cli(
      [...common('modern'), '--client-id', CLIENT, '--client-secret-stdin', '--secret-expires', expires],
      `${SECRET}\n`,
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/App connector\s+oauth app/);
    expect(added.stdout).toContain(`source "modern" added (OAuth client ${CLIENT}, secret sealed with key`);
    expect((await tokenRequests())?.issued).toBe(before + 1);

    const show = await cli(['source', 'show', 'modern']);
    expect(show.stdout).toMatch(
      new RegExp(`credential\\s+OAuth client ${CLIENT}: secret EXPIRES on ${expires} \\(10 days\\)`),
    );
    expect(show.stdout).toMatch(/client secret\s+sealed with key/);
    expect(errorLines(show)).toEqual([
      `warning: source "modern": the OAuth client secret expires on ${expires} (10 days); rotate it: ` +
        '`afas-sync source update modern --client-secret-file PATH --secret-expires YYYY-MM-DD`',
    ]);
    const json = JSON.parse((await cli(['source', 'show', 'modern', '--json'])).stdout) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({
      credentialKind: 'oauth',
      oauthClientId: CLIENT,
      secretExpiresOn: expires,
      credential: { kind: 'oauth', clientId: CLIENT, expiresOn: expires, daysLeft: 10 },
    });
    expect((await cli(['source', 'test', 'modern'])).stdout).toContain(
      'source "modern" is ready: OAuth client accepted',
    );
  });

  it('shows classic tokens with the days until AFAS retires them, in list, show and status', async () => {
    const added = await cli([...common('legacy'), '--token-stdin'], TOKEN);
    expect(added.code, added.stderr).toBe(0);
    const list = await cli(['source', 'list']);
    expect(list.stdout).toMatch(/\bcredential\b/);
    expect(list.stdout).toContain(CLASSIC_TEXT);
    expect(list.stdout).toContain(`OAuth client ${CLIENT}: secret EXPIRES on ${plusDays(10)} (10 days)`);
    expect(list.stderr).toContain('warning: source "modern": the OAuth client secret expires');
    expect(list.stderr).not.toContain('source "legacy"');
    const listed = JSON.parse((await cli(['source', 'list', '--json'])).stdout) as {
      name: string;
      credential: { kind: string; expiresOn: string; daysLeft: number; text: string };
    }[];
    expect(listed.find((row) => row.name === 'legacy')?.credential).toMatchObject({
      kind: 'token',
      expiresOn: '2027-08-31',
      daysLeft: classicDays,
      text: CLASSIC_TEXT,
    });
    expect((await cli(['source', 'show', 'legacy'])).stdout).toMatch(
      new RegExp(`credential\\s+${CLASSIC_TEXT.replace(/[()]/g, '\\$&')}`),
    );
    const status = await cli(['status', 'legacy']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(CLASSIC_TEXT);
    const statusJson = JSON.parse((await cli(['status', 'legacy', '--json'])).stdout) as {
      credential: { kind: string; daysLeft: number };
    };
    expect(statusJson.credential).toMatchObject({ kind: 'token', daysLeft: classicDays });
  });

  it('switches a classic source to OAuth in place: state and runs stay, attention clears', async () => {
    expect((await cli([...common('switch'), '--token-stdin'], TOKEN)).code).toBe(0);
    await db.pool.query(
      `INSERT INTO afas.sync_state (source, dataset, administration, watermark) VALUES ('switch', 'journal_lines', 1, '2026-11-30T10:00:00')`,
    );
    await db.pool.query(
      `INSERT INTO afas.sync_runs (run_id, source, kind, workflow_id, workflow_run_id, status) VALUES ('switch-run', 'switch', 'sync', 'w', 'wr', 'succeeded')`,
    );
    await db.pool.query(
      `UPDATE afas.sources SET status = 'needs_attention', status_reason = 'AFAS refused the token' WHERE name = 'switch'`,
    );
    const kept = async () =>
      (
        await db.pool.query(
          `SELECT (SELECT json_agg(s) FROM afas.sync_state s WHERE source = 'switch') AS state,
                  (SELECT json_agg(r) FROM afas.sync_runs r WHERE source = 'switch') AS runs`,
        )
      ).rows[0] as unknown;
    const before = await kept();
    const secretFile = join(dir, 'acme.secret');
    await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });

    const switched = await cli([
      'source',
      'update',
      'switch',
      '--client-id',
      CLIENT,
      '--client-secret-file',
      secretFile,
    ]);
    expect(switched.code, switched.stderr).toBe(0);
    expect(switched.stdout).toContain(
      `source "switch" updated (credential: classic token → OAuth client ${CLIENT})`,
    );
    expect(await kept()).toEqual(before);
    const shown = JSON.parse((await cli(['source', 'show', 'switch', '--json'])).stdout) as Record<
      string,
      unknown
    >;
    expect(shown).toMatchObject({
      credentialKind: 'oauth',
      oauthClientId: CLIENT,
      secretExpiresOn: null,
      status: 'active',
      statusReason: null,
    });
  });

  it('rotates the secret of an OAuth source, keeping its client id; a new secret forgets the old date', async () => {
    const rotate = await fetch(`${sim.url}/__sim/oauth/clients/${CLIENT}/secret`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientSecret: ROTATED }),
    });
    expect(rotate.status).toBe(200);
    const refused = await cli(['source', 'test', 'modern']);
    expect(refused.code).toBe(1);
    expect(errorLines(refused)[0]).toContain('invalid_client');

    const rotated = await cli(['source', 'update', 'modern', '--client-secret-stdin'], ROTATED);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain('source "modern" updated (client secret)');
    const shown = JSON.parse((await cli(['source', 'show', 'modern', '--json'])).stdout) as Record<
      string,
      unknown
    >;
    expect(shown).toMatchObject({ oauthClientId: CLIENT, secretExpiresOn: null, status: 'active' });

    const far = plusDays(400);
    const dated = await cli(['source', 'update', 'modern', '--secret-expires', far]);
    expect(dated.code, dated.stderr).toBe(0);
    const show = await cli(['source', 'show', 'modern']);
    expect(show.stdout).toContain(`OAuth client ${CLIENT}, secret expires on ${far} (400 days)`);
    expect(show.stderr).toBe('');
  });
});
