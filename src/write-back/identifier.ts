// Batch ids and entry keys name workflows (`afas-post/<source>/<batch>`) and markers, so they have
// no spaces or slashes. Its own module: the CLI checks `--batch` without loading the batch parser.
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const IDENTIFIER_RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

/** Whether `value` may be a batch id or entry key. */
export const isBatchIdentifier = (value: string) => IDENTIFIER.test(value);
