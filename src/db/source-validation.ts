import { plainHttpRefusal } from '../afas/urls.js';

/** A source value the store refuses; the message never echoes the value (a URL may hold a password). */
export class SourceValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceValidationError';
  }
}

/**
 * A source's base URL must be an absolute http(s) URL without credentials, query string or
 * fragment: credentials would sit unencrypted in `sources.base_url`, and the AFAS client refuses
 * such a URL anyway. Plain http:// is for loopback hosts (the simulator) unless `allowInsecureHttp`:
 * the token would cross the network readable. The table's CHECK only knows the scheme; this says
 * what is wrong.
 */
export function checkBaseUrl(source: string, value: string, allowInsecureHttp: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SourceValidationError(`source ${source}: base URL is not an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SourceValidationError(`source ${source}: base URL must use http or https, not ${url.protocol}`);
  }
  if (!/^https?:\/\//.test(value)) {
    throw new SourceValidationError(`source ${source}: base URL must start with http:// or https://`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new SourceValidationError(`source ${source}: base URL must not contain a user name or password`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new SourceValidationError(`source ${source}: base URL must not contain a query string or fragment`);
  }
  // Only now may the message name the URL: it holds no credentials, query or fragment.
  const refusal = plainHttpRefusal(url, allowInsecureHttp);
  if (refusal) throw new SourceValidationError(`source ${source}: ${refusal}`);
}
