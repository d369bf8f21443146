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

describe('AFAS_SYNC_LOCK_WAIT_MINUTES', () => {
  it('defaults to an hour, and takes 1 to 1440 minutes', () => {
    expect(loadConfig({}).lockWaitMinutes).toBe(60);
    expect(loadConfig({ AFAS_SYNC_LOCK_WAIT_MINUTES: '5' }).lockWaitMinutes).toBe(5);
    expect(() => loadConfig({ AFAS_SYNC_LOCK_WAIT_MINUTES: '0' })).toThrow(
      'AFAS_SYNC_LOCK_WAIT_MINUTES: must be a whole number from 1 to 1440',
    );
  });
});
