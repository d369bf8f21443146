// The fleet view's rule: what makes a source need attention, failing, stale or healthy, the order
// of the lines, the summary and the exit code; and the schedule jitter and the limited fan-out of
// fleet commands. Pure, with the clock given.
import { describe, expect, it } from 'vitest';
import { forEachLimited } from '../../src/client/fleet-control.js';
import {
  classifySource,
  fleetExitCode,
  sortFleet,
  summarizeFleet,
  type FleetSourceInput,
} from '../../src/observability/fleet-health.js';

const NOW = new Date('2026-12-06T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

type Changes = Omit<Partial<FleetSourceInput>, 'record'> & { record?: Partial<FleetSourceInput['record']> };

function source(name: string, { record, ...changes }: Changes = {}): FleetSourceInput {
  return {
    record: {
      name,
      status: 'active',
      statusReason: null,
      lastSuccessAt: minutesAgo(10),
      createdAt: minutesAgo(10_000),
      syncIntervalSeconds: 900,
      credentialKind: 'token',
      oauthClientId: null,
      secretExpiresOn: null,
      ...record,
    },
    lastRun: null,
    failedDatasets: [],
    schedule: {
      exists: true,
      paused: false,
      everySeconds: 900,
      offsetSeconds: 0,
      jitterSeconds: 90,
      nextRunAt: null,
    },
    syncing: false,
    ...changes,
  };
}

const run = (status: 'succeeded' | 'partial' | 'failed', error: string | null = null) => ({
  runId: `run-${status}`,
  status,
  startedAt: minutesAgo(5),
  finishedAt: minutesAgo(4),
  error,
});

describe('fleet health', () => {
  it('a source synced within three intervals, whose last sync succeeded, is healthy', () => {
    const status = classifySource(source('acme', { lastRun: run('succeeded') }), NOW);
    expect(status).toMatchObject({
      health: 'healthy',
      problems: [],
      state: 'scheduled',
      failingDatasets: [],
    });
    expect(fleetExitCode([status])).toBe(0);
  });

  it('names the failed datasets of a partial last sync, and a failed one without datasets by its run', () => {
    const partial = classifySource(
      source('acme', {
        lastRun: run('partial'),
        failedDatasets: [
          { dataset: 'debtors', administration: 0, error: 'HTTP 500' },
          { dataset: 'journal_lines', administration: 2, error: 'HTTP 500' },
        ],
      }),
      NOW,
    );
    expect(partial).toMatchObject({ health: 'failing', problems: ['failing'] });
    expect(partial.failingDatasets.map((item) => [item.dataset, item.administration])).toEqual([
      ['debtors', 0],
      ['journal_lines', 2],
    ]);
    const failed = classifySource(source('acme', { lastRun: run('failed', 'AFAS unreachable') }), NOW);
    expect(failed).toMatchObject({
      health: 'failing',
      lastRun: { status: 'failed', error: 'AFAS unreachable' },
    });
    expect(fleetExitCode([failed])).toBe(4);
  });

  it('is stale past three intervals without a success (or past --stale-after), counted from registration when never', () => {
    expect(classifySource(source('a', { record: { lastSuccessAt: minutesAgo(46) } }), NOW).health).toBe(
      'stale',
    );
    expect(classifySource(source('a', { record: { lastSuccessAt: minutesAgo(44) } }), NOW).health).toBe(
      'healthy',
    );
    expect(classifySource(source('a'), NOW, 300).health).toBe('stale');
    const fresh = { lastSuccessAt: null, createdAt: minutesAgo(30) };
    expect(classifySource(source('a', { record: fresh }), NOW).health).toBe('healthy');
    const old = { ...fresh, createdAt: minutesAgo(60) };
    expect(classifySource(source('a', { record: old }), NOW)).toMatchObject({
      health: 'stale',
      freshness: { neverSucceeded: true, stale: true },
    });
  });

  it('needs attention outranks failing and stale, and all three are listed', () => {
    const status = classifySource(
      source('acme', {
        record: {
          status: 'needs_attention',
          statusReason: 'AFAS refused the OAuth client: invalid_client',
          lastSuccessAt: minutesAgo(600),
        },
        lastRun: run('failed'),
      }),
      NOW,
    );
    expect(status).toMatchObject({
      health: 'needs_attention',
      problems: ['needs_attention', 'failing', 'stale'],
      needsAttention: 'AFAS refused the OAuth client: invalid_client',
    });
  });

  it('warns about an OAuth secret expiring within 30 days without calling the source unhealthy', () => {
    const record = {
      credentialKind: 'oauth' as const,
      oauthClientId: 'acme-sync',
      secretExpiresOn: '2026-12-20',
    };
    const status = classifySource(source('acme', { record }), NOW);
    expect(status.health).toBe('healthy');
    expect(status.credential).toMatchObject({ kind: 'oauth', daysLeft: 14 });
    expect(status.credential.warning).toMatch(/expires on 2026-12-20/);
    expect(summarizeFleet([status]).credentialWarnings).toBe(1);
    expect(classifySource(source('b'), NOW).credential).toMatchObject({
      kind: 'token',
      daysLeft: 268,
      warning: null,
    });
  });

  it('says what the source is doing: syncing, scheduled, paused, unscheduled', () => {
    const paused = {
      exists: true,
      paused: true,
      everySeconds: 900,
      offsetSeconds: 0,
      jitterSeconds: 90,
      nextRunAt: null,
    };
    expect(classifySource(source('a', { syncing: true }), NOW).state).toBe('syncing');
    expect(classifySource(source('a', { schedule: paused }), NOW).state).toBe('paused');
    expect(classifySource(source('a', { schedule: null }), NOW).state).toBe('unscheduled');
  });

  it('sorts worst first, then by name, and summarizes', () => {
    const inputs = [
      source('zeta'),
      source('beta', { lastRun: run('partial') }),
      source('alpha'),
      source('omega', { record: { lastSuccessAt: minutesAgo(100) } }),
      source('delta', { record: { status: 'needs_attention' } }),
      source('gamma', { lastRun: run('failed') }),
    ];
    const sorted = sortFleet(inputs.map((input) => classifySource(input, NOW)));
    expect(sorted.map((status) => [status.source, status.health])).toEqual([
      ['delta', 'needs_attention'],
      ['beta', 'failing'],
      ['gamma', 'failing'],
      ['omega', 'stale'],
      ['alpha', 'healthy'],
      ['zeta', 'healthy'],
    ]);
    expect(summarizeFleet(sorted)).toEqual({
      sources: 6,
      byHealth: { needs_attention: 1, failing: 2, stale: 1, healthy: 2 },
      credentialWarnings: 0,
      syncing: 0,
    });
    expect(fleetExitCode(sorted)).toBe(4);
    expect(fleetExitCode([])).toBe(0);
  });
});

describe('forEachLimited', () => {
  it('keeps going past failures, keeps the order, and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const outcomes = await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 10 * (8 - item)));
      running -= 1;
      if (item === 2) throw new Error('two failed');
      return item * 10;
    });
    expect(most).toBe(3);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : 'failed'))).toEqual([
      10,
      'failed',
      30,
      40,
      50,
      60,
      70,
    ]);
  });
});
