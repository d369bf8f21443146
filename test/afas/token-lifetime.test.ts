import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EXPIRES_IN_SECONDS,
  isFresh,
  MAX_REFRESH_MARGIN_MS,
  tokenLifetime,
} from '../../src/afas/token-lifetime.js';

describe('tokenLifetime: when a cached access token is renewed', () => {
  it('renews an hour token one minute early (the margin is capped at 60 s)', () => {
    const life = tokenLifetime(1_000, 3_600);
    expect(life.expiresAtMs).toBe(1_000 + 3_600_000);
    expect(life.refreshAtMs).toBe(1_000 + 3_600_000 - MAX_REFRESH_MARGIN_MS);
    expect(isFresh(life, life.refreshAtMs - 1)).toBe(true);
    expect(isFresh(life, life.refreshAtMs)).toBe(false);
  });

  it('renews a short token a tenth of its lifetime early', () => {
    const one = tokenLifetime(0, 1);
    expect(one.refreshAtMs).toBe(900);
    expect(isFresh(one, 899)).toBe(true);
    expect(isFresh(one, 900)).toBe(false);
    // 10 minutes: 10 % is exactly the 60 s cap; 5 minutes: 30 s.
    expect(tokenLifetime(0, 600).refreshAtMs).toBe(540_000);
    expect(tokenLifetime(0, 300).refreshAtMs).toBe(270_000);
  });

  it('accepts fractional seconds and counts from when the request was sent', () => {
    const life = tokenLifetime(10_000, 1.5);
    expect(life.obtainedAtMs).toBe(10_000);
    expect(life.expiresAtMs).toBe(11_500);
    expect(life.refreshAtMs).toBe(11_350);
  });

  it('is fresh right after it was obtained, never after it expired', () => {
    const life = tokenLifetime(500, 2);
    expect(isFresh(life, 500)).toBe(true);
    expect(isFresh(life, life.expiresAtMs)).toBe(false);
    expect(isFresh(life, life.expiresAtMs + 1_000_000)).toBe(false);
  });

  it('assumes a short default lifetime (minutes, not hours)', () => {
    expect(DEFAULT_EXPIRES_IN_SECONDS).toBeGreaterThanOrEqual(60);
    expect(DEFAULT_EXPIRES_IN_SECONDS).toBeLessThanOrEqual(600);
  });
});
