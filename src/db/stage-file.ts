// A scope's COPY lines on the worker's own disk: where a scope the table holds no row of goes
// once it holds FILE_AFTER_BYTES (see scope-stage.ts), so its rows reach PostgreSQL once (one
// COPY into the table at the replace) instead of twice (a stage table, then INSERT … SELECT).
// The file is unlinked as soon as it is open: only this process can reach it, and the kernel
// frees it when the stage is dropped or the process dies, so a crash leaves nothing to clean up.
import { randomBytes } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CopyLines } from './copy-lines.js';

/** Bytes read back per COPY message. */
const READ_CHUNK_BYTES = 1024 * 1024;

export class StageFile {
  /** Bytes written so far. */
  private size = 0;

  private constructor(
    private readonly handle: FileHandle,
    /** The directory the file was made in (for messages: it has no name of its own any more). */
    private readonly dir: string,
  ) {}

  /**
   * Creates and opens an anonymous file in `dir` (default: the OS's temporary directory, TMPDIR),
   * readable by this user only. Throws when the directory does not take one.
   */
  static async open(dir: string = tmpdir()): Promise<StageFile> {
    const path = join(dir, `afas-sync-stage-${process.pid}-${randomBytes(8).toString('hex')}`);
    // 'wx+': created here (never an existing file or a planted link), read and written.
    const handle = await open(path, 'wx+', 0o600);
    try {
      await unlink(path);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new StageFile(handle, dir);
  }

  /** Appends COPY lines. */
  async append(chunks: Iterable<string | Buffer>): Promise<void> {
    const buffers = Array.from(chunks, (chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    const bytes = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    if (bytes === 0) return;
    let bytesWritten: number;
    try {
      ({ bytesWritten } = await this.handle.writev(buffers, this.size));
    } catch (error) {
      throw new Error(`cannot write a scope's stage file in ${this.dir}: ${String(error)}`, { cause: error });
    }
    if (bytesWritten !== bytes) {
      throw new Error(
        `cannot write a scope's stage file in ${this.dir}: ${bytesWritten} of ${bytes} bytes written (is it full?)`,
      );
    }
    this.size += bytes;
  }

  /** The lines written, `rows` of them, readable as many times as a COPY needs them. */
  lines(rows: number): CopyLines {
    const handle = this.handle;
    const size = this.size;
    return {
      rows,
      chunks: {
        async *[Symbol.asyncIterator]() {
          for (let position = 0; position < size;) {
            // A fresh buffer per chunk: the COPY stream may still hold the previous one.
            const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, size - position));
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
            if (bytesRead === 0) throw new Error(`stage file ended at ${position} of ${size} bytes`);
            position += bytesRead;
            yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
          }
        },
      },
    };
  }

  /** Closes the file, which frees its space. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}
