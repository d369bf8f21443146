// Issue 19: `afas-sync post <source> --file F | --outbox ID`, `post status`, `post cancel`, run as
// an operator runs them against a source synced from the simulator. A batch with any problem
// stores nothing, starts no workflow and calls no AFAS; a valid one is registered (entries with
// their markers and booking periods) and its workflow afas-post/<source>/<batch> is started;
// the same batch again attaches. The CLI's task queue has no worker here: the workflow is
// started and stays waiting, which is all these tests look at (the saga's own tests post).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSync } from '../../src/client/sync-control.js';
import { entryMarker } from '../../src/write-back/marker.js';
import { batchEntry, batchLine } from '../helpers/batch-builders.js';
import { ensureBuilt } from '../helpers/build.js';
import { errorLines, runCli } from '../helpers/cli.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const TOKEN_DATA = '19E6E40123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789';
const TOKEN = `<token><version>1</version><data>${TOKEN_DATA}</data></token>`;
const SOURCE = 'post-cli-writer';
const READ_ONLY = 'post-cli-reader';
const YEAR = 2025;

const line = batchLine;
const entry = (key: string, extra: Record<string, unknown> = {}) => batchEntry(key, YEAR, extra);

describe('post: register a checked batch and start its workflow', () => {
  let fixture: SyncFixture;
  let dir: string;
  let env: Record<string, string>;
  const started = new Set<string>();

  beforeAll(async () => {
    [fixture] = await Promise.all([
      startSyncFixture({
        simulator: {
          seed: 19,
          administrations: 1,
          years: [2024, YEAR],
          linesPerYear: 100,
          tokens: [{ token: TOKEN_DATA }],
        },
        sources: [
          { name: SOURCE, token: TOKEN, writeBack: true },
          { name: READ_ONLY, token: TOKEN },
        ],
      }),
      ensureBuilt(),
    ]);
    const sync = await startSync(fixture.target, SOURCE, {});
    expect((await sync.result()).status).toBe('succeeded');
    dir = mkdtempSync(join(tmpdir(), 'post-cli-'));
    env = {
      DATABASE_URL: fixture.db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      // No worker polls this queue: a started postEntries workflow waits there.
      TEMPORAL_TASK_QUEUE: `post-cli-${randomBytes(4).toString('hex')}`,
    };
    await fixture.control.clearRequests();
  });
  afterAll(async () => {
    for (const workflowId of started)
      await fixture.temporal.client.workflow
        .getHandle(workflowId)
        .terminate('post-cli test done')
        .catch(() => undefined);
    await fixture?.close();
  });

  const cli = (...args: string[]) => runCli(args, { env });
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  const workflowId = (batch: string) => `afas-post/${SOURCE}/${batch}`;
  const describeWorkflow = (batch: string) =>
    fixture.temporal.client.workflow.getHandle(workflowId(batch)).describe();
  const batchRows = (batch: string) =>
    fixture.db.pool
      .query<{ status: string; origin: string; entries: number; lines: number; workflow_id: string }>(
        `SELECT status, origin, entries, lines, workflow_id FROM afas.post_batches WHERE source = $1 AND batch_id = $2`,
        [SOURCE, batch],
      )
      .then((result) => result.rows);
  const entryRows = (batch: string) =>
    fixture.db.pool
      .query<{ key: string; position: number; year: number; period: number; marker: string; status: string }>(
        `SELECT key, position, year, period, marker, status FROM afas.post_entries
          WHERE source = $1 AND batch_id = $2 ORDER BY position`,
        [SOURCE, batch],
      )
      .then((result) => result.rows);

  it('stores nothing, starts nothing and calls no AFAS for a batch with problems', async () => {
    const batch = {
      batch: 'post-cli-invalid',
      entries: [
        entry('ok'),
        entry('unknown-account', { lines: [line('1700', '1', '0'), line('4711', '0', '1')] }),
      ],
    };
    const result = await cli('post', SOURCE, '--file', file('invalid.json', batch));
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `batch post-cli-invalid for "${SOURCE}": 2 entries, 4 line(s): 1 problem(s); nothing can be posted`,
      'entry            line  field    problem',
      'unknown-account     2  account  ledger account "4711" does not exist',
      '',
    ]);
    const json = await cli('post', SOURCE, '--file', file('invalid.json', batch), '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, problems: [{ entry: 'unknown-account' }] });
    expect(await batchRows('post-cli-invalid')).toEqual([]);
    await expect(describeWorkflow('post-cli-invalid')).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('refuses a source that only reads, and bad arguments with exit 2', async () => {
    const readOnly = await cli(
      'post',
      READ_ONLY,
      '--file',
      file('r.json', { batch: 'x', entries: [entry('e')] }),
    );
    expect(readOnly.code).toBe(1);
    expect(errorLines(readOnly)[0]).toMatch(new RegExp(`source "${READ_ONLY}" has write-back off`));
    const both = await cli('post', SOURCE, '--file', file('b.json', {}), '--outbox', 'b1');
    expect(both.code).toBe(2);
    expect(errorLines(both)).toEqual([
      'afas-sync: --file and --outbox cannot go together: a batch comes from a file or from the outbox, not both',
    ]);
    const neither = await cli('post', SOURCE);
    expect(neither.code).toBe(2);
    expect(errorLines(neither)[0]).toMatch(/give the batch to post: --file <path> .* or --outbox <batch>/);
    const badId = await cli('post', SOURCE, '--outbox', 'has/slash');
    expect(badId.code).toBe(2);
    expect(errorLines(badId)[0]).toMatch(/--outbox must be a batch id: 1 to 64 letters/);
    const flagFirst = await cli('post', '--wait', 'status', SOURCE);
    expect(flagFirst.code).toBe(2);
    expect(errorLines(flagFirst)[0]).toMatch(/--wait given before `status`/);
    const noBatch = await cli('post', 'cancel', SOURCE);
    expect(noBatch.code).toBe(2);
  });

  const valid = () => ({
    batch: 'post-cli-accruals',
    entries: [
      entry('acc-001', { voucherNo: 'ACC-001' }),
      // Its own year and period win over the date's.
      entry('acc-002', { year: YEAR, period: 4 }),
    ],
  });

  it('registers a valid batch with markers and periods, and starts workflow afas-post/<source>/<batch>', async () => {
    started.add(workflowId('post-cli-accruals'));
    const result = await cli('post', SOURCE, '--file', file('valid.json', valid()));
    expect(errorLines(result)).toEqual([
      `note: no worker is polling task queue "${env.TEMPORAL_TASK_QUEUE}": the batch waits until one runs ` +
        '(start it with `afas-sync worker`)',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `registered batch post-cli-accruals for "${SOURCE}" from the file: 2 entries, 4 line(s)`,
      `started workflow ${workflowId('post-cli-accruals')}`,
      `follow it with \`afas-sync post status ${SOURCE} --batch post-cli-accruals\` (a worker, \`afas-sync worker\`, posts it)`,
      '',
    ]);
    expect(await batchRows('post-cli-accruals')).toEqual([
      {
        status: 'posting',
        origin: 'file',
        entries: 2,
        lines: 4,
        workflow_id: workflowId('post-cli-accruals'),
      },
    ]);
    expect(await entryRows('post-cli-accruals')).toEqual([
      {
        key: 'acc-001',
        position: 0,
        year: YEAR,
        period: 3,
        marker: entryMarker('post-cli-accruals', 'acc-001'),
        status: 'pending',
      },
      {
        key: 'acc-002',
        position: 1,
        year: YEAR,
        period: 4,
        marker: entryMarker('post-cli-accruals', 'acc-002'),
        status: 'pending',
      },
    ]);
    const description = await describeWorkflow('post-cli-accruals');
    expect(description.type).toBe('postEntries');
    expect(description.taskQueue).toBe(env.TEMPORAL_TASK_QUEUE);
    expect(description.status.name).toBe('RUNNING');
  });

  it('attaches to the same batch posted again (one row, one workflow run), refuses other content', async () => {
    const before = await describeWorkflow('post-cli-accruals');
    // The same content spelled differently is the same batch.
    const respelled = valid();
    respelled.entries[0] = entry('acc-001', {
      voucherNo: 'ACC-001',
      lines: [
        line('4000', '1250', '0', { kind: 'ledger', allocations: [{ axis: '1', code: '100' }] }),
        line('1700', '0', '1250.0', { description: 'to pay' }),
      ],
    });
    const again = await cli('post', SOURCE, '--file', file('again.json', respelled), '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      source: SOURCE,
      batch: 'post-cli-accruals',
      workflowId: workflowId('post-cli-accruals'),
      registration: 'attached',
      workflow: 'attached',
      entries: 2,
      lines: 4,
    });
    expect(await batchRows('post-cli-accruals')).toHaveLength(1);
    expect((await describeWorkflow('post-cli-accruals')).runId).toBe(before.runId);
    const steps = await fixture.db.pool.query(
      `SELECT action FROM afas.post_steps WHERE source = $1 AND batch_id = 'post-cli-accruals'`,
      [SOURCE],
    );
    expect(steps.rows).toEqual([{ action: 'register' }]);

    const changed = valid();
    changed.entries.pop();
    const conflict = await cli('post', SOURCE, '--file', file('changed.json', changed));
    expect(conflict.code).toBe(1);
    expect(errorLines(conflict)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^afas-sync: batch post-cli-accruals of source ${SOURCE} was registered on \\d{4}-\\d\\d-\\d\\d ` +
            '\\d\\d:\\d\\d:\\d\\d UTC with other content \\(2 entries\\); give the new content another batch id$',
        ),
      ),
    ]);
    expect(await entryRows('post-cli-accruals')).toHaveLength(2);
  });

  it('posts a batch from the outbox tables, checked like a file', async () => {
    const insertEntry = (batch: string, key: string, account: string) =>
      fixture.db.pool.query(
        `WITH e AS (
           INSERT INTO afas.post_outbox_entries (source, batch_id, key, administration, journal, entry_date)
           VALUES ($1, $2, $3, 1, '90', '${YEAR}-03-31'))
         INSERT INTO afas.post_outbox_lines (source, batch_id, key, line_no, account, debit, credit, allocations)
         VALUES ($1, $2, $3, 1, '4000', 10, 0, '[{"axis": "1", "code": "100"}]'),
                ($1, $2, $3, 2, $4, 0, 10, NULL)`,
        [SOURCE, batch, key, account],
      );
    await insertEntry('post-cli-outbox-bad', 'ob-1', '4711');
    const bad = await cli('post', SOURCE, '--outbox', 'post-cli-outbox-bad', '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      batch: 'post-cli-outbox-bad',
      valid: false,
      problems: [
        { entry: 'ob-1', line: 2, field: 'account', message: 'ledger account "4711" does not exist' },
      ],
    });
    expect(await batchRows('post-cli-outbox-bad')).toEqual([]);
    await expect(describeWorkflow('post-cli-outbox-bad')).rejects.toBeInstanceOf(WorkflowNotFoundError);

    await insertEntry('post-cli-outbox', 'ob-1', '1700');
    started.add(workflowId('post-cli-outbox'));
    const good = await cli('post', SOURCE, '--outbox', 'post-cli-outbox');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(
      /^registered batch post-cli-outbox for ".*" from the outbox: 1 entry, 2 line\(s\)\n/,
    );
    expect((await batchRows('post-cli-outbox'))[0]?.origin).toBe('outbox');
    expect((await describeWorkflow('post-cli-outbox')).status.name).toBe('RUNNING');

    const none = await cli('post', SOURCE, '--outbox', 'post-cli-outbox-none');
    expect(none.code).toBe(1);
    expect(errorLines(none)[0]).toMatch(
      /no entries of batch "post-cli-outbox-none" .* in afas\.post_outbox_entries/,
    );
  });

  it('shows the batches and one batch with its entries and steps', async () => {
    const list = await cli('post', 'status', SOURCE, '--json');
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as { batches: { batch: string; status: string }[] };
    expect(listed.batches.map((b) => [b.batch, b.status])).toEqual([
      ['post-cli-outbox', 'posting'],
      ['post-cli-accruals', 'posting'],
    ]);
    const one = await cli('post', 'status', SOURCE, '--batch', 'post-cli-accruals');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^batch\s+post-cli-accruals of "post-cli-writer" \(from the file\)$/m);
    expect(one.stdout).toMatch(/^live\s+\(no worker polls task queue/m);
    expect(one.stdout).toMatch(/^acc-002\s+2025-04\s+pending\s+-\s+-\s+-\s+-$/m);
    expect(one.stdout).toMatch(/\s+-\s+register\s+ok\s+-\s+-\s+2 entries, 4 lines from the file\s+-$/m);
    const unknown = await cli('post', 'status', SOURCE, '--batch', 'post-cli-nope');
    expect(unknown.code).toBe(1);
  });

  it('cancels: records the request, signals the workflow; unknown or ended batches exit 1', async () => {
    const result = await cli('post', 'cancel', SOURCE, '--batch', 'post-cli-accruals');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      `cancel of batch post-cli-accruals of "${SOURCE}" requested: its workflow stops posting and takes back ` +
        'out of AFAS what the batch posted',
    );
    const row = await fixture.db.pool.query<{ cancel_requested_at: Date | null }>(
      `SELECT cancel_requested_at FROM afas.post_batches WHERE source = $1 AND batch_id = 'post-cli-accruals'`,
      [SOURCE],
    );
    expect(row.rows[0]?.cancel_requested_at).toBeInstanceOf(Date);
    const history = await fixture.temporal.client.workflow
      .getHandle(workflowId('post-cli-accruals'))
      .fetchHistory();
    const signals = (history.events ?? []).flatMap((event) =>
      event.workflowExecutionSignaledEventAttributes
        ? [event.workflowExecutionSignaledEventAttributes.signalName]
        : [],
    );
    expect(signals).toEqual(['cancelPost']);

    const unknown = await cli('post', 'cancel', SOURCE, '--batch', 'post-cli-nope');
    expect(unknown.code).toBe(1);
    expect(errorLines(unknown)).toEqual([
      `afas-sync: no batch "post-cli-nope" for source "${SOURCE}" (\`afas-sync post status ${SOURCE}\` lists its batches)`,
    ]);
    await fixture.db.pool.query(
      `UPDATE afas.post_batches SET status = 'compensated', reason = 'cancelled', ended_at = now()
        WHERE source = $1 AND batch_id = 'post-cli-outbox'`,
      [SOURCE],
    );
    const ended = await cli('post', 'cancel', SOURCE, '--batch', 'post-cli-outbox');
    expect(ended.code).toBe(1);
    expect(errorLines(ended)).toEqual([
      `afas-sync: batch post-cli-outbox of "${SOURCE}" already ended as compensated (cancelled): nothing to cancel`,
    ]);
  });

  it('posting an ended batch again starts nothing; --wait exits by its recorded end', async () => {
    // post-cli-outbox was marked compensated above: its recorded end is the whole answer.
    const result = await cli('post', SOURCE, '--outbox', 'post-cli-outbox', '--wait');
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').slice(1)).toEqual([
      `the batch already ended: no workflow is started (workflow id ${workflowId('post-cli-outbox')})`,
      '',
      `batch post-cli-outbox of "${SOURCE}": compensated (cancelled): 1 entry, 0 posted, 0 deleted, 0 reversed`,
      '',
    ]);
    expect(errorLines(result)).toEqual([
      'note: batch post-cli-outbox already ended; its end as PostgreSQL records it:',
    ]);
  });

  it('documents every form and the exit codes in `post --help`, and `post check` still checks', async () => {
    const help = await cli('post', '--help');
    expect(help.code).toBe(0);
    for (const text of [
      '--file <path>',
      '--outbox <batch>',
      '--wait',
      'check <source>',
      'status <source>',
      'cancel <source>',
    ])
      expect(help.stdout).toContain(text);
    expect(help.stdout).toMatch(/Exit codes: 0 .* 1 .* 2 .* 3 with --wait: posted_unconfirmed/s);
    const check = await cli('post', 'check', SOURCE, '--file', file('check.json', valid()));
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/valid \(checked only; nothing was posted\)/);
  });

  it('called AFAS not once', async () => {
    expect(await fixture.control.requests()).toEqual([]);
  });
});
