// Entry point of the production worker: `node dist/worker.js`.
import { runMain } from './app/run-main.js';
import { runWorker } from './worker/run-worker.js';

runMain(() => runWorker());
