// Builds dist/ (`npm run build`) once for the test files that run the real `afas-sync` binary.
// A stamp records the newest source it was built from; a lock directory keeps parallel test
// files from building at the same time (the others wait, then find the build fresh).
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
const LOCK = join(ROOT, '.vitest-temporal', 'build.lock');
const STALE_LOCK_MS = 10 * 60_000;
const INPUTS = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/copy-assets.mjs'];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

export async function sourcesNewest(): Promise<number> {
  return Math.max(...(await Promise.all(INPUTS.map((input) => newestMtime(join(ROOT, input))))));
}

async function isFresh(newest: number): Promise<boolean> {
  const stamp = await stat(STAMP).catch(() => undefined);
  return stamp !== undefined && stamp.mtimeMs >= newest;
}

async function acquireLock(): Promise<void> {
  await mkdir(join(ROOT, '.vitest-temporal'), { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await stat(LOCK).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function npmBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      ['run', 'build', '--silent'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`npm run build failed:\n${`${stdout}\n${stderr}`.trim().slice(-4_000)}`));
        else resolve();
      },
    );
  });
}

/**
 * Records that dist/ was built from the sources as of `newest` (taken before building: a file
 * saved during the build makes the next run build again). The integration tests' global setup
 * stamps the dist/ it builds, so no test file builds it a second time.
 */
export async function stampBuilt(newest: number): Promise<void> {
  await writeFile(STAMP, `${new Date(newest).toISOString()}\n`);
  // A whole millisecond past the newest source: utimes keeps fewer digits than mtimeMs carries
  // (a stamp set to exactly `newest` read back as older than it), and a stamp that looks stale
  // rebuilds dist/ in place while other test files run the CLI from it.
  const at = (Math.floor(newest) + 1) / 1000;
  await utimes(STAMP, at, at);
}

/** Makes sure dist/ matches src/: builds when missing or older than any source file. */
export async function ensureBuilt(): Promise<void> {
  if (await isFresh(await sourcesNewest())) return;
  await acquireLock();
  try {
    const newest = await sourcesNewest();
    if (await isFresh(newest)) return;
    await npmBuild();
    await stampBuilt(newest);
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}
