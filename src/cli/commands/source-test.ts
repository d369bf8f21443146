// `afas-sync source test NAME`: the AFAS "Confirm" check of a stored source, now. Reads the stored
// credential, asks AFAS's metainfo, records the outcome on the source, and reports write-back.
import type { CliRun } from '../context.js';
import { CliFailure } from '../errors.js';
import { WRITE_BACK_CONNECTOR, writeBackLost } from '../write-back.js';

export async function testSource(cli: CliRun, name: string): Promise<void> {
  const app = await cli.ctx.app();
  const record = await app.sources.get(name);
  cli.ctx.requireSecretKey();
  // The check talks to the environment and URL the credential was sealed for, read with it.
  const { credential, environmentId, environmentType, baseUrl, allowInsecureHttp } =
    await app.sources.credential(name);
  const { AfasCheckError, checkConnectors, printCheck } = await import('../afas-check.js');
  let check;
  try {
    const settings = { ...record, environmentId, environmentType, baseUrl, allowInsecureHttp };
    check = await checkConnectors(settings, credential, `source "${name}"`);
  } catch (error) {
    // Only AFAS's own refusal marks the source; an outage says nothing about its setup.
    if (error instanceof AfasCheckError && error.rejected)
      await app.sources.markChecked(name, { ok: false, reason: error.message });
    throw error;
  }
  printCheck(cli.out, check, record, record.writeBack);
  if (!record.writeBack) {
    cli.out.line(
      `write-back: not enabled (the source only reads${check.writeBackOffered ? `; the App connector offers ${WRITE_BACK_CONNECTOR}` : ''}; ` +
        `enable it with \`afas-sync source update ${name} --write-back\`)`,
    );
  }
  const reason = `the App connector lacks GetConnector(s) ${check.missing.join(', ')}`;
  // Only what reading needs marks the source: syncs do not post, so a missing FiEntries must not stop them.
  await app.sources.markChecked(name, check.ok ? { ok: true } : { ok: false, reason });
  const lost = record.writeBack && !check.writeBackOffered ? writeBackLost(name) : undefined;
  const problems = [...(check.ok ? [] : [reason]), ...(lost ? [lost] : [])];
  if (problems.length > 0) throw new CliFailure(`source "${name}" is not ready: ${problems.join('; ')}`);
  cli.out.line(
    `source "${name}" is ready: ${credential.kind === 'token' ? 'token' : 'OAuth client'} accepted, all ` +
      `${check.required.length} GetConnectors present` +
      (record.writeBack ? `, write-back enabled and ${WRITE_BACK_CONNECTOR} offered` : ''),
  );
}
