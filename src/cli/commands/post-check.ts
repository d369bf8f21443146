// `afas-sync post check <source> --file F`: validates a batch against the source's synced data,
// without any AFAS call and without writing anything. Also the batch file reading `post` shares.
import { readFile } from 'node:fs/promises';
import type { CliRun } from '../context.js';
import { CliUsageError } from '../errors.js';
import { parseSourceName } from '../parse.js';
import { refuseReadOnlySource } from '../write-back.js';

export interface CheckFlags {
  file?: string;
  json?: boolean;
}

export async function checkCommand(cli: CliRun, name: string, flags: CheckFlags): Promise<number> {
  const source = parseSourceName(name);
  if (flags.file === undefined)
    throw new CliUsageError('--file is required: the batch file to check, e.g. --file batch.json');
  const text = await readBatchFile(flags.file);
  const app = await cli.ctx.app();
  // A source posts only once write-back is enabled for it; checking a batch for one that cannot post
  // would pass batches that could never land.
  refuseReadOnlySource(await app.sources.get(source));
  const [{ checkBatch }, { printBatchCheck }] = await Promise.all([
    import('../../write-back/check-batch.js'),
    import('../post-report.js'),
  ]);
  const report = await checkBatch(app.pool, app.schema, source, text);
  if (flags.json === true) cli.out.json(report);
  else printBatchCheck(cli.out, report);
  return report.valid ? 0 : 1;
}

/** The batch file's text; an unreadable file is a bad argument (exit 2). */
export async function readBatchFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (code ?? 'unreadable');
    throw new CliUsageError(`cannot read --file ${JSON.stringify(path)}: ${reason}`);
  }
}
