// A scope's stage file: anonymous from the moment it is open, read back whole as many times as a
// COPY needs it, and refused where the directory does not take one.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StageFile } from '../../src/db/stage-file.js';

async function readAll(chunks: AsyncIterable<Buffer> | Iterable<string | Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(parts).toString('utf8');
}

describe('StageFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stage-file-test-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('leaves no name in its directory, and gives back every line, twice', async () => {
    const file = await StageFile.open(dir);
    try {
      expect(await readdir(dir)).toEqual([]);
      await file.append(['a\t1\n', Buffer.from('b\tZoë 😀\n')]);
      await file.append([]);
      // More than one read chunk (1 MB), so the reads continue where the last one stopped.
      const big = `${'x'.repeat(1_500_000)}\n`;
      await file.append([big]);
      const lines = file.lines(3);
      expect(lines.rows).toBe(3);
      const expected = `a\t1\nb\tZoë 😀\n${big}`;
      expect(await readAll(lines.chunks)).toBe(expected);
      expect(await readAll(lines.chunks)).toBe(expected);
    } finally {
      await file.close();
    }
  });

  it('lines taken before a later append hold what was written until then', async () => {
    const file = await StageFile.open(dir);
    try {
      await file.append(['one\n']);
      const before = file.lines(1);
      await file.append(['two\n']);
      expect(await readAll(before.chunks)).toBe('one\n');
      expect(await readAll(file.lines(2).chunks)).toBe('one\ntwo\n');
    } finally {
      await file.close();
    }
  });

  it('a write that fails names the directory the file is in', async () => {
    const file = await StageFile.open(dir);
    // A closed handle stands in for a full disk: the write fails either way.
    await file.close();
    await expect(file.append(['a\n'])).rejects.toThrow(`cannot write a scope's stage file in ${dir}`);
  });

  it('is refused in a directory that does not exist', async () => {
    await expect(StageFile.open(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
