// Every workflow the worker registers. Workflow code is deterministic: no I/O, no Node built-ins.
export { historicalImport } from './historical-import.js';
export { scheduledSync } from './scheduled-sync.js';
export { syncDayBatches } from './sync-day-batches.js';
export { syncSource } from './sync-source.js';
export { postEntries } from './post-entries.js';
