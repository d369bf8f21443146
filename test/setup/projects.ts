// Sorts the test files into vitest's two projects without naming or moving them. Everything a
// test needs from the real stack (the Temporal dev server, the PostgreSQL admin URL, the compiled
// dist/) reaches it through `inject()`, which only the integration project's global setup
// provides. So a file is an integration test when it, or a module under test/ that it imports
// (directly or through other such modules), imports vitest's `inject`; every other file is a unit
// test. The imports are read with TypeScript's parser, so text in strings or comments never counts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** What a module imports: whether it takes `inject` from vitest, and its relative specifiers. */
function importsOf(file: string): { injects: boolean; relative: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  let injects = false;
  const relativeSpecifiers: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier)) continue;
    if (specifier.text.startsWith('.')) relativeSpecifiers.push(specifier.text);
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : undefined;
    if (specifier.text === 'vitest' && bindings && ts.isNamedImports(bindings)) {
      injects ||= bindings.elements.some(
        (element) => (element.propertyName ?? element.name).text === 'inject',
      );
    }
  }
  return { injects, relative: relativeSpecifiers };
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The .ts source of a relative `.js` import, when it lies under `testRoot`. */
function localSource(importer: string, specifier: string, testRoot: string): string | null {
  const source = resolve(dirname(importer), specifier).replace(/\.js$/, '.ts');
  return source.startsWith(`${testRoot}/`) && existsSync(source) ? source : null;
}

/** Test files (relative to `root`) that use the stack, and those that do not. */
export function classifyTests(root: string): { integration: string[]; unit: string[] } {
  const testRoot = join(root, 'test');
  const reaches = (file: string, visited: Set<string>): boolean => {
    if (visited.has(file)) return false;
    visited.add(file);
    const imports = importsOf(file);
    return (
      imports.injects ||
      imports.relative.some((specifier) => {
        const source = localSource(file, specifier, testRoot);
        return source !== null && reaches(source, visited);
      })
    );
  };
  const integration: string[] = [];
  const unit: string[] = [];
  for (const file of testFiles(testRoot).sort()) {
    (reaches(file, new Set()) ? integration : unit).push(relative(root, file));
  }
  return { integration, unit };
}
