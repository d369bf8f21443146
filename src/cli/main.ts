// Entry point of the `afas-sync` command (bin/afas-sync.js imports the built copy of this file).
import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2));
// Pools, sockets and stdin may still hold the event loop; the command is done.
process.exit(code);
