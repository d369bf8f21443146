// `afas-sync dev` without AFAS_SYNC_SECRET_KEY: a key generated once into the data directory.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSecretKey } from '../../config/secret-key.js';

export interface DevSecretKey {
  /** The key text (hex); goes into the process configuration only, never to output. */
  value: string;
  /** What to tell the operator, if anything. */
  notice: string | undefined;
}

export async function devSecretKey(
  dataDir: string,
  env: Record<string, string | undefined>,
): Promise<DevSecretKey> {
  const fromEnv = env.AFAS_SYNC_SECRET_KEY?.trim();
  if (fromEnv) return { value: fromEnv, notice: undefined };
  const path = join(dataDir, 'secret.key');
  let text: string | undefined;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    parseSecretKey(text, path); // one-line ConfigError naming the file when it holds no valid key
    const mode = (await stat(path)).mode & 0o777;
    if (mode & 0o077) {
      await chmod(path, 0o600);
      return {
        value: text,
        notice: `${path} was readable by others (mode ${mode.toString(8)}); it is 0600 now`,
      };
    }
    return { value: text, notice: undefined };
  }
  const value = randomBytes(32).toString('hex');
  await writeFile(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return {
    value,
    notice:
      `AFAS_SYNC_SECRET_KEY is not set: generated a new key into ${path} (mode 0600). It seals the ` +
      'tokens stored in PostgreSQL; keep it with the data directory.',
  };
}
