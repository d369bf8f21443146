// Copies the non-TypeScript files the compiled program reads at run time (SQL migrations) from
// src/ to where src/ was compiled: dist/ by default (part of `npm run build`), or the folder given
// as the one argument (the tools' own build compiles src/ to dist-tools/src/).
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { argv } from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiledSrc = join(root, argv[2] ?? 'dist');
mkdirSync(join(compiledSrc, 'db/migrations'), { recursive: true });
cpSync(join(root, 'src/db/migrations'), join(compiledSrc, 'db/migrations'), { recursive: true });
