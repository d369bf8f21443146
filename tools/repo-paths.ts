// Where the tools find the product they measure. They run compiled from dist-tools/ (their own
// build, `npm run build:tools`) or from source under vitest, so the repository root is found by
// walking up to package.json rather than by a fixed number of `../`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/**
 * The production build (`npm run build`): the tools run the worker from here as the image does
 * (`node dist/worker.js`), so they measure what production runs.
 */
export const PRODUCT_DIST = join(repositoryRoot(), 'dist');

/** The operator CLI as an operator runs it (`node bin/afas-sync.js`, which loads dist/). */
export const PRODUCT_CLI = join(repositoryRoot(), 'bin', 'afas-sync.js');
