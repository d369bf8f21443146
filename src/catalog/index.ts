export * from './types.js';
export * from './datasets.js';
export * from './ledger.js';
