import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

describe('AFAS_SYNC_DB_POOL_SIZE', () => {
  it('defaults to one connection per activity slot and four more', () => {
    expect(loadConfig({}).dbPoolSize).toBe(20);
    expect(loadConfig({ AFAS_SYNC_MAX_CONCURRENT_ACTIVITIES: '40' }).dbPoolSize).toBe(44);
  });

  it('takes an explicit size, and refuses one that cannot serve', () => {
    expect(loadConfig({ AFAS_SYNC_DB_POOL_SIZE: '12' }).dbPoolSize).toBe(12);
    expect(() => loadConfig({ AFAS_SYNC_DB_POOL_SIZE: '1' })).toThrow(
      'AFAS_SYNC_DB_POOL_SIZE: must be a whole number from 2 to 1000',
    );
  });
});
