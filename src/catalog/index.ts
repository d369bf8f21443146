export * from './types.js';
export * from './datasets.js';
