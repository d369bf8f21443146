import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyTests } from './projects.js';

describe('classifyTests', () => {
  const scratch = mkdtemp(join(tmpdir(), 'afas-sync-projects-'));
  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  async function tree(files: Record<string, string>): Promise<string> {
    const root = await mkdtemp(join(await scratch, 'repo-'));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return root;
  }

  it('puts a file in integration when it or a helper it imports, at any depth, imports inject', async () => {
    const root = await tree({
      'test/helpers/database.ts':
        "import { inject } from 'vitest';\nexport const url = () => inject('pgAdminUrl');\n",
      'test/helpers/fixture.ts': "import { url } from './database.js';\nexport const fixture = url;\n",
      'test/helpers/pure.ts': "import { fixture } from '../../src/unrelated.js';\nexport const pure = 1;\n",
      'test/a/direct.test.ts':
        "import { inject } from 'vitest';\nconst address = inject('temporalAddress');\n",
      'test/a/through-two.test.ts': "import { fixture } from '../helpers/fixture.js';\n",
      'test/b/pure.test.ts':
        "import { pure } from '../helpers/pure.js';\n// inject('x') in a comment\nconst text = \"inject('x')\";\n",
      'test/fixtures/ignored.test.ts': "import { inject } from 'vitest';\n",
      'src/unrelated.ts': "export const fixture = inject('x');\n",
    });
    expect(classifyTests(root)).toEqual({
      integration: ['test/a/direct.test.ts', 'test/a/through-two.test.ts'],
      unit: ['test/b/pure.test.ts'],
    });
  });

  it('survives helpers that import each other', async () => {
    const root = await tree({
      'test/helpers/one.ts': "import { two } from './two.js';\nexport const one = two;\n",
      'test/helpers/two.ts': "import { one } from './one.js';\nexport const two = 2;\n",
      'test/cycle.test.ts': "import { one } from './helpers/one.js';\n",
    });
    expect(classifyTests(root)).toEqual({ integration: [], unit: ['test/cycle.test.ts'] });
  });

  it('sorts this repository: each test file in exactly one project, the stack users in integration', () => {
    const { integration, unit } = classifyTests(fileURLToPath(new URL('../../', import.meta.url)));
    expect(new Set([...integration, ...unit]).size).toBe(integration.length + unit.length);
    // Through test/helpers/database.ts, and through sync-fixture.ts → database.ts.
    expect(integration).toEqual(
      expect.arrayContaining(['test/db/migrate.test.ts', 'test/sync/sync-saga.test.ts']),
    );
    expect(unit).toEqual(expect.arrayContaining(['test/setup/projects.test.ts', 'test/codec/scan.test.ts']));
  });
});
