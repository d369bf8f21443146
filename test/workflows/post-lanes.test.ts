import { describe, expect, it } from 'vitest';
import { inLanes } from '../../src/workflows/lanes.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('inLanes: bounded, ordered, settles all', () => {
  it('never runs more than its lanes at once, and starts items in order', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const settled = await inLanes([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      started.push(item);
      running += 1;
      most = Math.max(most, running);
      // The first item holds its lane longest: a lane that takes the next item when it is free
      // starts 4 beside it; lanes that each own every third item would start 5 and 6 first.
      await (item === 1 ? new Promise((resolve) => setTimeout(resolve, 20)) : tick());
      running -= 1;
      return item * 10;
    });
    expect(most).toBe(3);
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : null))).toEqual([
      10, 20, 30, 40, 50, 60, 70,
    ]);
  });

  it('a failure settles its item and the lane goes on with the next', async () => {
    const settled = await inLanes(['a', 'b', 'c'], 1, async (item) => {
      await tick();
      if (item === 'b') throw new Error('refused');
      return item;
    });
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 'a' });
    expect(settled[1]).toMatchObject({ status: 'rejected', reason: new Error('refused') });
    expect(settled[2]).toEqual({ status: 'fulfilled', value: 'c' });
  });

  it('nothing to do, or fewer items than lanes', async () => {
    expect(await inLanes([], 5, () => Promise.resolve(1))).toEqual([]);
    expect(await inLanes([1], 5, (item) => Promise.resolve(item))).toEqual([
      { status: 'fulfilled', value: 1 },
    ]);
  });
});
