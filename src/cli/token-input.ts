// Reads an AFAS token (or, through readSecret, an OAuth client secret) from a file or stdin. Secrets
// never come from argv: command lines end up in shell history and in every user's `ps` output.
import { readFile } from 'node:fs/promises';
import { AfasToken } from '../afas/token.js';
import { CliUsageError } from './errors.js';

export interface TokenFlags {
  tokenFile?: string;
  tokenStdin?: boolean;
  /** Hidden flag that exists only to be refused with a reason. */
  token?: string | boolean;
}

export const TOKEN_ON_ARGV =
  '--token is not accepted: a token on the command line lands in shell history and in the process list; ' +
  'use --token-file PATH or --token-stdin (e.g. `afas-sync source add … --token-stdin < token.txt`)';

/** Rejects `--token` and conflicting flags before anything else happens. */
export function checkTokenFlags(flags: TokenFlags, required: boolean): void {
  if (flags.token !== undefined) throw new CliUsageError(TOKEN_ON_ARGV);
  if (flags.tokenFile !== undefined && flags.tokenStdin)
    throw new CliUsageError('use either --token-file or --token-stdin, not both');
  if (required && flags.tokenFile === undefined && !flags.tokenStdin) {
    throw new CliUsageError('a token is required: pass --token-file PATH or --token-stdin');
  }
}

/** The token from the flags, shape-checked; undefined when neither flag was given. */
export async function readToken(
  flags: TokenFlags,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<string | undefined> {
  const read = await readSecret(
    { file: flags.tokenFile, stdin: flags.tokenStdin === true },
    { file: '--token-file', stdin: '--token-stdin', what: 'AFAS token' },
    stdin,
  );
  if (!read) return undefined;
  const { origin, raw } = read;
  const token = raw.trim();
  if (token === '') throw new CliUsageError(`${origin}: the token is empty`);
  try {
    new AfasToken(token);
  } catch (error) {
    // AfasToken's message describes the expected shape and never echoes the value.
    throw new CliUsageError(`${origin}: ${(error as Error).message}`);
  }
  return token;
}

/**
 * The raw text of a secret given by a file flag or a stdin flag (a hidden prompt on a terminal);
 * undefined when neither was given. `origin` is the flag it came from, for messages.
 */
export async function readSecret(
  given: { file: string | undefined; stdin: boolean },
  flags: { file: string; stdin: string; what: string },
  stdin: NodeJS.ReadStream,
): Promise<{ origin: string; raw: string } | undefined> {
  if (given.file !== undefined) {
    try {
      return { origin: flags.file, raw: await readFile(given.file, 'utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new CliUsageError(`${flags.file}: cannot read ${given.file} (${code})`);
    }
  }
  if (!given.stdin) return undefined;
  const raw = stdin.isTTY ? await promptHidden(stdin, flags.what, flags.stdin) : await readAll(stdin);
  return { origin: flags.stdin, raw };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line from a terminal without echoing it. */
function promptHidden(stdin: NodeJS.ReadStream, what: string, flag: string): Promise<string> {
  process.stderr.write(`${what} (input hidden, Enter to finish): `);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(new CliUsageError(`${flag}: cancelled`));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
