// How the `afas-sync` binary fails: one line on stderr, exit 2 for bad arguments or
// configuration, exit 1 for unknown sources and unreachable services, in seconds, never a stack
// trace and never an echoed token. Also: every command has help with an example.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it, type ExpectStatic } from 'vitest';
import { parseSecretKey } from '../../src/config/secret-key.js';
import { SourceStore } from '../../src/db/sources.js';
import { freePort } from '../../src/temporal/dev-server.js';
import { ensureBuilt } from '../helpers/build.js';
import { errorLines, runCli, type CliResult } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const globalExpect = expect;
const KEY = randomBytes(32).toString('hex');
const KNOWN = `known-${randomBytes(3).toString('hex')}`;
const SECRET = `NeverEcho${randomBytes(8).toString('hex')}`;

function expectOneLine(
  result: CliResult,
  code: number,
  pattern: RegExp,
  expect: ExpectStatic = globalExpect,
): void {
  expect({ code: result.code, stderr: errorLines(result) }).toEqual({
    code,
    stderr: [expect.stringMatching(pattern)],
  });
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('afas-sync CLI errors and help', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const cli = (args: string[], extra: Record<string, string> = {}, input?: string) =>
    runCli(args, { env: { ...env, ...extra }, input });

  beforeAll(async () => {
    [db] = await Promise.all([createTestDatabase(), ensureBuilt()]);
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `cli-errors-${randomBytes(4).toString('hex')}`,
      AFAS_SYNC_SECRET_KEY: KEY,
    };
    const store = new SourceStore(db.pool, db.schema, { current: parseSecretKey(KEY, 'test'), previous: [] });
    await store.add({ name: KNOWN, environmentId: '12345', environmentType: 'test', token: SECRET });
  });
  afterAll(async () => db?.drop());

  const add = ['source', 'add', 'acme', '--env-id', '12345', '--env-type', 'test', '--token-stdin'];
  const oauthAdd = [...add.slice(0, -1), '--client-id', 'acme-sync', '--client-secret-stdin'];
  it.concurrent.for<[string[], RegExp]>([
    [[...add.slice(0, 2), 'Acme!', ...add.slice(3)], /^afas-sync: source name must be .*got "Acme!"/],
    [[...add, '--interval', '30s'], /^afas-sync: --interval must be at least 60 s/],
    [[...add, '--interval', 'often'], /^afas-sync: --interval must be a duration like 15m/],
    [[...add, '--max-concurrency', '6'], /^afas-sync: --max-concurrency must be a whole number from 1 to 5/],
    [
      [...add, '--base-url', 'ftp://afas.example.com'],
      /^afas-sync: --base-url must start with http:\/\/ or https:\/\//,
    ],
    [[...add, '--base-url', 'not a url'], /^afas-sync: --base-url must be an absolute http\(s\) URL/],
    [
      [...add, '--base-url', 'http://afas-proxy.example.com/ProfitRestServices/'],
      /^afas-sync: refused: base URL http:\/\/afas-proxy\.example\.com\/ProfitRestServices uses plain http:\/\/ to a host that is not this machine, .* pass --allow-insecure-http to/,
    ],
    [
      [...add, '--allow-insecure-http'],
      /^afas-sync: --allow-insecure-http is only for an http:\/\/ --base-url; this source uses AFAS Online over https$/,
    ],
    [[...add, '--connector-map', 'ledger=Profit_X'], /^afas-sync: --connector-map: unknown dataset "ledger"/],
    [[...add, '--integration-id', 'abc'], /^afas-sync: --integration-id must look like/],
    [
      ['source', 'add', 'acme', '--env-id', '12a', '--env-type', 'test', '--token-stdin'],
      /^afas-sync: --env-id must be the AFAS participant number/,
    ],
    [
      ['source', 'add', 'acme', '--env-id', '1', '--env-type', 'live', '--token-stdin'],
      /^afas-sync: --env-type must be one of production, test, accept/,
    ],
    [
      ['source', 'add', 'acme', '--env-type', 'test', '--token-stdin'],
      /^afas-sync: required option '--env-id <id>' not specified/,
    ],
    [
      ['source', 'add', 'acme', '--env-id', '1', '--env-type', 'test'],
      /^afas-sync: a credential is required: pass a classic token \(--token-file PATH or --token-stdin\) or an OAuth client \(--client-id ID with --client-secret-file PATH or --client-secret-stdin\)$/,
    ],
    [
      [...add, '--client-id', 'acme-sync', '--client-secret-file', '/tmp/x'],
      /^afas-sync: use either a classic token \(.*\) or an OAuth client \(.*\), not both$/,
    ],
    [
      [...oauthAdd.slice(0, -1)],
      /^afas-sync: --client-id needs the client secret too: pass --client-secret-file PATH or --client-secret-stdin$/,
    ],
    [
      [...oauthAdd.slice(0, -3), '--client-secret-stdin'],
      /^afas-sync: --client-secret-file\/--client-secret-stdin need --client-id ID \(the OAuth client\)$/,
    ],
    [
      [...oauthAdd, '--client-secret-file', '/tmp/x'],
      /^afas-sync: use either --client-secret-file or --client-secret-stdin, not both$/,
    ],
    [
      [...oauthAdd, '--secret-expires', '2027-02-29'],
      /^afas-sync: --secret-expires: "2027-02-29" is not a date; give the day the client secret expires as AFAS shows it, as YYYY-MM-DD/,
    ],
    [
      [...oauthAdd, '--secret-expires', '31-12-2027'],
      /^afas-sync: --secret-expires: "31-12-2027" is not a date/,
    ],
    [
      [...add, '--secret-expires', '2027-06-30'],
      /^afas-sync: --secret-expires is for an OAuth client secret; a classic token stops working on the day AFAS retires them all$/,
    ],
    [
      [...oauthAdd.slice(0, -2), ' acme', '--client-secret-stdin'],
      /^afas-sync: --client-id: expected the App connector's OAuth client id as AFAS shows it/,
    ],
    [
      [...oauthAdd.slice(0, -1), '--client-secret-file', '/nonexistent/acme.secret'],
      /^afas-sync: --client-secret-file: cannot read \/nonexistent\/acme\.secret \(ENOENT\)$/,
    ],
    [
      ['source', 'update', KNOWN, '--client-secret-file', '/nonexistent/acme.secret'],
      new RegExp(
        `^afas-sync: source "${KNOWN}" uses a classic token: pass --client-id ID with the client secret to switch it to OAuth$`,
      ),
    ],
    [
      ['source', 'update', KNOWN, '--secret-expires', '2027-06-30'],
      new RegExp(
        `^afas-sync: source "${KNOWN}" uses a classic token: --secret-expires is for an OAuth client secret`,
      ),
    ],
    [
      ['source', 'update', KNOWN, '--client-id', 'acme-sync'],
      /^afas-sync: --client-id needs the client secret too/,
    ],
    [[...add, '--token-file', '/tmp/x'], /^afas-sync: use either --token-file or --token-stdin/],
    [['source', 'update', KNOWN], /^afas-sync: nothing to update/],
    [['sync'], /^afas-sync: missing required argument 'source'/],
    [['sync', KNOWN, '--now'], /^afas-sync: unknown option '--now'/],
    [['status', KNOWN, '--stale-after', 'soon'], /^afas-sync: --stale-after must be a duration/],
    [['runs', KNOWN, '--limit', '0'], /^afas-sync: --limit must be a whole number from 1 to 1000/],
    [['schedule', KNOWN, '--every', '10s'], /^afas-sync: --every must be at least 60 s/],
    [
      ['schedule', KNOWN, '--pause', '--resume'],
      /^afas-sync: option '--pause' cannot be used with option '--resume'/,
    ],
    [['schedule'], /^afas-sync: give a source \(afas-sync schedule acme\), or --all for every source$/],
    [['schedule', KNOWN, '--all'], /^afas-sync: give a source or --all, not both/],
    [['schedule', '--all', '--every', '30s'], /^afas-sync: --every must be at least 60 s/],
    [['runs', KNOWN, '--since', '1h'], /^afas-sync: --since goes with --failed/],
    [['runs', '--failed', '--since', '0m'], /^afas-sync: --since must be at least 1 s/],
    [['runs', '--failed', '--run', 'x'], /^afas-sync: --run shows one run; leave out --failed$/],
    [['dev', '--port', '70000'], /^afas-sync: --port must be a whole number from 1 to 65535/],
    [['import', KNOWN], /^afas-sync: --from-year is required: the first booking year to import/],
    [
      ['import', KNOWN, '--from-year', 'last'],
      /^afas-sync: --from-year must be a year like 2019 \(got "last"\)$/,
    ],
    [['import', KNOWN, '--from-year', '1850'], /^afas-sync: --from-year must be 1900 or later \(got 1850\)$/],
    [
      ['import', KNOWN, '--from-year', '2020', '--to-year', '2019'],
      /^afas-sync: --from-year 2020 is after --to-year 2019$/,
    ],
    [
      ['import', KNOWN, '--from-year', '2020', '--to-year', '20x'],
      /^afas-sync: --to-year must be a year like 2019/,
    ],
    [
      ['import', KNOWN, '--from-year', '2020', '--concurrency', '6'],
      /^afas-sync: --concurrency must be a whole number from 1 to 5 \(got "6"\)$/,
    ],
    [
      ['import', KNOWN, '--from-year', '2020', '--concurrency', '0'],
      /^afas-sync: --concurrency must be a whole number from 1 to 5/,
    ],
    [
      ['import', KNOWN, '--from-year', '2020', '--requests-per-minute', 'fast'],
      /^afas-sync: --requests-per-minute must be a whole number from 1 to 60000/,
    ],
    [
      ['import', 'concurrency', KNOWN, '9'],
      /^afas-sync: concurrency must be a whole number from 1 to 5 \(got "9"\)$/,
    ],
    [['import', 'concurrency', KNOWN], /^afas-sync: missing required argument 'n'/],
    [['import'], /^afas-sync: missing required argument 'source'/],
    [['import', 'status'], /^afas-sync: missing required argument 'source'/],
    [['import', 'pause', KNOWN, '--wait'], /^afas-sync: unknown option '--wait'/],
    [
      ['import', '--wait', '--from-year', '2020', 'cancel', KNOWN],
      /^afas-sync: --from-year, --wait are options of `afas-sync import <source>`, not of `afas-sync import cancel`$/,
    ],
    [['import', 'Acme!', '--from-year', '2020'], /^afas-sync: source name must be .*got "Acme!"/],
    [
      ['source', 'add', 'status', '--env-id', '1', '--env-type', 'test', '--token-stdin'],
      /^afas-sync: source name "status" is reserved: `afas-sync import status <source>` is a command/,
    ],
    [['launch'], /^afas-sync: unknown command 'launch'/],
  ])('bad arguments %j: exit 2 with one line', async ([args, pattern], { expect }) => {
    expectOneLine(await cli(args), 2, pattern, expect);
  });

  it('stores plain http:// to loopback, and to another host only with --allow-insecure-http', async () => {
    const suffix = randomBytes(3).toString('hex');
    const addAt = (name: string, baseUrl: string, ...extra: string[]) =>
      cli(
        [
          ...add.slice(0, 2),
          name,
          ...add.slice(3),
          '--base-url',
          baseUrl,
          '--skip-check',
          '--paused',
          ...extra,
        ],
        {},
        SECRET,
      );
    const local = `local-${suffix}`;
    expect((await addAt(local, 'http://localhost:9/ProfitRestServices')).code).toBe(0);
    const plain = `plain-${suffix}`;
    const plainUrl = 'http://192.0.2.1:9/ProfitRestServices';
    expectOneLine(await addAt(plain, plainUrl), 2, /^afas-sync: refused: base URL http:\/\/192\.0\.2\.1:9\//);
    expect((await addAt(plain, plainUrl, '--allow-insecure-http')).code).toBe(0);
    const shown = JSON.parse((await cli(['source', 'show', plain, '--json'])).stdout) as Record<
      string,
      unknown
    >;
    expect(shown).toMatchObject({ baseUrl: plainUrl, allowInsecureHttp: true });
    // The allowance came with that URL: another plain URL needs it again.
    expectOneLine(
      await cli([
        'source',
        'update',
        plain,
        '--base-url',
        'http://192.0.2.1:10/ProfitRestServices',
        '--skip-check',
      ]),
      2,
      /^afas-sync: refused: base URL http:\/\/192\.0\.2\.1:10\/ProfitRestServices uses plain http:\/\//,
    );
    for (const name of [local, plain]) expect((await cli(['source', 'remove', name])).code).toBe(0);
  });

  it('refuses a token on the command line, says why, and never echoes it', async () => {
    for (const flag of [['--token', SECRET], [`--token=${SECRET}`]]) {
      const result = await cli([...add.slice(0, -1), ...flag]);
      expectOneLine(
        result,
        2,
        /^afas-sync: --token is not accepted: a token on the command line lands in shell history/,
      );
      expect(result.stdout + result.stderr).not.toContain(SECRET);
    }
    const badShape = await cli(add, {}, `not a token ${SECRET}!`);
    expectOneLine(badShape, 2, /^afas-sync: --token-stdin: AFAS token has an invalid shape/);
    expect(badShape.stderr).not.toContain(SECRET);
    expectOneLine(
      await cli([...add.slice(0, -1), '--token-file', '/nonexistent/token']),
      2,
      /^afas-sync: --token-file: cannot read \/nonexistent\/token \(ENOENT\)/,
    );
  });

  it('refuses a client secret on the command line or in a bad shape, and never echoes it', async () => {
    for (const flag of [['--client-secret', SECRET], [`--client-secret=${SECRET}`]]) {
      const result = await cli([...oauthAdd.slice(0, -1), ...flag]);
      expectOneLine(
        result,
        2,
        /^afas-sync: --client-secret is not accepted: a secret on the command line lands in shell history and in the process list; use --client-secret-file PATH or --client-secret-stdin$/,
      );
      expect(result.stdout + result.stderr).not.toContain(SECRET);
    }
    for (const [input, pattern] of [
      ['  \n', /^afas-sync: --client-secret-stdin: the client secret is empty$/],
      [`${SECRET}\nsecond line`, /^afas-sync: --client-secret-stdin: the client secret must be one line/],
      [`${SECRET}\u0007`, /^afas-sync: --client-secret-stdin: the client secret holds a control character$/],
      [
        `<token><version>1</version><data>${SECRET}</data></token>`,
        /^afas-sync: --client-secret-stdin: this is a classic AFAS token, not an OAuth client secret; pass it with --token-file or --token-stdin$/,
      ],
    ] as const) {
      const result = await cli(oauthAdd, {}, input);
      expectOneLine(result, 2, pattern);
      expect(result.stdout + result.stderr).not.toContain(SECRET);
    }
  });

  it.concurrent.for<[string[]]>([
    [['sync', 'nope']],
    [['sync', 'nope', '--wait']],
    [['status', 'nope']],
    [['runs', 'nope']],
    [['runs', 'nope', '--failed']],
    [['schedule', 'nope', '--pause']],
    [['source', 'show', 'nope']],
    [['source', 'test', 'nope']],
    [['source', 'remove', 'nope']],
    [['import', 'nope', '--from-year', '2020', '--wait']],
    [['import', 'status', 'nope']],
    [['import', 'status', 'nope', '--json']],
    [['import', 'pause', 'nope']],
    [['import', 'resume', 'nope']],
    [['import', 'cancel', 'nope']],
    [['import', 'concurrency', 'nope', '2']],
  ])('unknown source %j: exit 1 with one line', async ([args], { expect }) => {
    expectOneLine(
      await cli(args),
      1,
      /^afas-sync: unknown source "nope" \(list them with `afas-sync source list`\)$/,
      expect,
    );
  });

  it('starts a sync without --wait, noting that no worker polls the task queue', async () => {
    const result = await cli(['sync', KNOWN]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^started the sync of "${KNOWN}" \\(workflow afas-sync/${KNOWN}, run [0-9a-f-]{36}\\)`),
    );
    expect(errorLines(result)).toEqual([
      `note: no worker is polling task queue "${env.TEMPORAL_TASK_QUEUE}": the sync waits until one runs (start it with \`afas-sync worker\`)`,
    ]);
    const attached = await cli(['sync', KNOWN]);
    expect(attached.stdout).toContain(`attached to the sync of "${KNOWN}" already running`);
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      await new Client({ connection }).workflow.getHandle(`afas-sync/${KNOWN}`).terminate('test cleanup');
    } finally {
      await connection.close();
    }
  });

  it('starts an import without --wait, noting that no worker polls the task queue', async () => {
    const result = await cli(['import', KNOWN, '--from-year', '2024', '--to-year', '2024']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^started the historical import of "${KNOWN}", 2024 \\(workflow afas-import/${KNOWN}, run [0-9a-f-]{36}\\)$`,
        ),
      ),
      `follow it with \`afas-sync import status ${KNOWN}\` or \`afas-sync import ${KNOWN} --from-year 2024 --to-year 2024 --wait\``,
      '',
    ]);
    expect(errorLines(result)).toEqual([
      `note: no worker is polling task queue "${env.TEMPORAL_TASK_QUEUE}": the import waits until one runs (start it with \`afas-sync worker\`)`,
    ]);
    const attached = await cli(['import', KNOWN, '--from-year', '2024']);
    expect(attached.stdout).toContain(`attached to the historical import of "${KNOWN}" already running`);
    // Nobody answers the progress query: the status says so (quickly), from PostgreSQL too.
    const status = await cli(['import', 'status', KNOWN, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      execution: 'RUNNING',
      progress: null,
      progressUnavailable: expect.stringMatching(/^progress query failed: /) as string,
      workers: { pollers: 0 },
    });
    expect(status.ms).toBeLessThan(15_000);
    const paused = await cli(['import', 'pause', KNOWN]);
    expect(paused.code).toBe(0);
    expect(errorLines(paused)).toEqual([
      expect.stringMatching(/^note: no worker is polling .*: the pause waits/),
    ]);
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      await new Client({ connection }).workflow.getHandle(`afas-import/${KNOWN}`).terminate('test cleanup');
    } finally {
      await connection.close();
    }
  });

  it('fails within seconds with one line when Temporal is unreachable', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    for (const args of [
      ['sync', KNOWN],
      ['status', KNOWN],
      ['schedule', KNOWN, '--pause'],
      ['import', KNOWN, '--from-year', '2024'],
      ['import', 'status', KNOWN],
    ]) {
      const result = await cli(args, { TEMPORAL_ADDRESS: address });
      expectOneLine(result, 1, new RegExp(`^afas-sync: cannot reach Temporal at ${address}`));
      expect(result.ms).toBeLessThan(15_000);
    }
  });

  it('fails with one line on a bad or unreachable DATABASE_URL, without echoing it', async () => {
    const nonsense = await cli(['source', 'list'], { DATABASE_URL: 'nonsense' });
    expectOneLine(nonsense, 2, /^afas-sync: DATABASE_URL: is not a URL/);
    const port = await freePort();
    const unreachable = await cli(['runs', KNOWN], {
      DATABASE_URL: `postgres://someone:hunter2secret@127.0.0.1:${port}/afas`,
    });
    expectOneLine(
      unreachable,
      1,
      new RegExp(`^afas-sync: cannot connect to PostgreSQL at 127.0.0.1:${port}/afas`),
    );
    expect(unreachable.stderr).not.toContain('hunter2secret');
    expect(unreachable.ms).toBeLessThan(15_000);
  });

  it('names AFAS_SYNC_SECRET_KEY when a command needs it and it is unset or invalid', async () => {
    expectOneLine(
      await cli(add, { AFAS_SYNC_SECRET_KEY: '' }, 'sometoken1234'),
      2,
      /^afas-sync: AFAS_SYNC_SECRET_KEY: is not set/,
    );
    expectOneLine(
      await cli(['worker'], { AFAS_SYNC_SECRET_KEY: 'short' }),
      2,
      /^afas-sync: AFAS_SYNC_SECRET_KEY: must be a 256-bit key/,
    );
    expectOneLine(
      await cli(['source', 'reseal'], { AFAS_SYNC_SECRET_KEY: '' }),
      2,
      /^afas-sync: AFAS_SYNC_SECRET_KEY: is not set/,
    );
  });

  it('answers without a command with usage (exit 2), and --version', async () => {
    const bare = await cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: afas-sync');
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.concurrent.for<[string[]]>([
    [[]],
    [['dev']],
    [['worker']],
    [['source']],
    [['source', 'add']],
    [['source', 'update']],
    [['source', 'list']],
    [['source', 'show']],
    [['source', 'test']],
    [['source', 'remove']],
    [['source', 'reseal']],
    [['sync']],
    [['status']],
    [['runs']],
    [['schedule']],
    [['import']],
    [['import', 'status']],
    [['import', 'pause']],
    [['import', 'resume']],
    [['import', 'cancel']],
    [['import', 'concurrency']],
  ])('help of %j has an example and exits 0', async ([command], { expect }) => {
    const result = await cli([...command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: afas-sync ${command.join(' ')}`.trimEnd());
    expect(result.stdout).toMatch(/Examples:\n {2}\$ (\S+=\S+ )*afas-sync /);
  });

  it('passes simulator flags through to the simulator', async () => {
    const help = await cli(['simulator', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: afas-sync simulator [options]');
    const bad = await cli(['simulator', '--port', 'x']);
    expect(bad.code).toBe(2);
    expect(errorLines(bad)).toEqual([
      expect.stringMatching(/^afas-sync simulator: --port: expected an integer/),
    ]);
  });
});
