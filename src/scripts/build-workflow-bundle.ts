// `npm run build` step: bundles the workflows once so production workers skip webpack at start.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const workflowsPath = fileURLToPath(new URL('../workflows/index.js', import.meta.url));
const target = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));
const { code } = await bundleWorkflowCode({ workflowsPath });
await writeFile(target, code);
process.stdout.write(`workflow bundle written to ${target} (${Math.round(code.length / 1024)} KiB)\n`);
