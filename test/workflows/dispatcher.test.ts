import { describe, expect, it } from 'vitest';
import { PartitionDispatcher } from '../../src/workflows/import/dispatcher.js';
import { Limiter } from '../../src/workflows/limiter.js';

const ref = (seq: number) => ({ key: `journal_lines/1/2024/${String(seq).padStart(2, '0')}`, seq });
const NOW = '2026-01-01T00:00:00.000Z';

function dispatcher(concurrency: number) {
  const slots = new Limiter(concurrency);
  return { slots, dispatch: new PartitionDispatcher(slots) };
}

describe('PartitionDispatcher', () => {
  it('fetches the first batch, then starts chunks until every slot is taken', () => {
    const { slots, dispatch } = dispatcher(2);
    expect(dispatch.next(false)).toEqual({ kind: 'fetch', afterSeq: -1 });
    dispatch.received([ref(1), ref(2), ref(3)]);
    expect(dispatch.next(false)).toEqual({ kind: 'start' });
    expect(dispatch.start(NOW)).toEqual({ ref: ref(1), chunk: 1 });
    expect(dispatch.start(NOW).ref).toEqual(ref(2));
    expect(slots.running).toBe(2);
    expect(dispatch.next(false)).toEqual({ kind: 'wait' });
    dispatch.ended(ref(1), false);
    expect(dispatch.next(false)).toEqual({ kind: 'start' });
    expect(dispatch.start(NOW).ref).toEqual(ref(3));
  });

  it('fetches the next batch after the last sequence once the queue is empty, even while chunks run', () => {
    const { dispatch } = dispatcher(3);
    dispatch.received([ref(4), ref(9)]);
    dispatch.start(NOW);
    dispatch.start(NOW);
    expect(dispatch.next(false)).toEqual({ kind: 'fetch', afterSeq: 9 });
  });

  it('waits while paused, with slots free and partitions queued', () => {
    const { dispatch } = dispatcher(5);
    dispatch.received([ref(1)]);
    expect(dispatch.next(true)).toEqual({ kind: 'wait' });
    expect(dispatch.next(false)).toEqual({ kind: 'start' });
  });

  it('puts an unfinished partition back at the front and counts its chunks', () => {
    const { dispatch } = dispatcher(1);
    dispatch.received([ref(1), ref(2)]);
    const first = dispatch.start(NOW);
    dispatch.ended(first.ref, true);
    expect(dispatch.start('2026-01-01T00:01:00.000Z')).toEqual({ ref: ref(1), chunk: 2 });
    expect(dispatch.runningPartitions(NOW)).toEqual([{ key: ref(1).key, since: NOW, chunks: 2 }]);
    dispatch.ended(ref(1), false);
    expect(dispatch.start(NOW)).toEqual({ ref: ref(2), chunk: 1 });
  });

  it('is finished only when the partitions are exhausted and nothing is queued or running', () => {
    const { dispatch } = dispatcher(2);
    dispatch.received([ref(1)]);
    dispatch.start(NOW);
    expect(dispatch.next(false)).toEqual({ kind: 'fetch', afterSeq: 1 });
    dispatch.received([]);
    expect(dispatch.next(false)).toEqual({ kind: 'wait' });
    expect(dispatch.finished).toBe(false);
    expect(dispatch.idle).toBe(false);
    dispatch.ended(ref(1), false);
    expect(dispatch.idle).toBe(true);
    // Finished wins over pause: a paused import with nothing left still completes.
    expect(dispatch.next(true)).toEqual({ kind: 'finished' });
  });

  it('follows a concurrency change on the limiter', () => {
    const { slots, dispatch } = dispatcher(1);
    dispatch.received([ref(1), ref(2), ref(3)]);
    dispatch.start(NOW);
    expect(dispatch.next(false)).toEqual({ kind: 'wait' });
    slots.limit = 3;
    expect(dispatch.next(false)).toEqual({ kind: 'start' });
  });

  it('refuses to start with an empty queue or end a partition that is not running', () => {
    const { dispatch } = dispatcher(1);
    expect(() => dispatch.start(NOW)).toThrow('no partition queued');
    expect(() => dispatch.ended(ref(1), false)).toThrow('was not running');
  });
});
