// Copies the non-TypeScript files the compiled program reads at run time (SQL migrations) from
// src/ to dist/. Part of `npm run build`.
import { cpSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
mkdirSync(`${root}dist/db/migrations`, { recursive: true });
cpSync(`${root}src/db/migrations`, `${root}dist/db/migrations`, { recursive: true });
