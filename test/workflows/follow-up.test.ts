import { describe, expect, it } from 'vitest';
import { followUpOptions, QueuedRequests, runRequest } from '../../src/workflows/sync/follow-up.js';

describe('requests queued behind a running sync', () => {
  it('merge: one follow-up run does everything asked', () => {
    const queued = new QueuedRequests();
    expect(queued.pending).toBeUndefined();
    expect(queued.add({ full: true })).toEqual({ full: true });
    expect(queued.add({ allowMassDelete: true })).toEqual({ full: true, allowMassDelete: true });
    expect(queued.add({})).toEqual({ full: true, allowMassDelete: true });
  });

  it("the follow-up keeps the run's other options but only the queued flags (a mass delete is allowed once)", () => {
    const options = { heartbeatTimeoutSeconds: 10, allowMassDelete: true, datasets: ['debtors' as const] };
    expect(followUpOptions(options, { full: true })).toEqual({
      heartbeatTimeoutSeconds: 10,
      datasets: ['debtors'],
      full: true,
    });
  });

  it('a plain run asks its activities for nothing extra (inputs as before the flags existed)', () => {
    expect(runRequest({})).toEqual({});
    expect(runRequest({ full: false })).toEqual({});
    expect(runRequest({ full: true, allowMassDelete: true })).toEqual({ full: true, allowMassDelete: true });
  });
});
