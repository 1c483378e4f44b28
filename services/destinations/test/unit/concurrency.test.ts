import { describe, expect, it } from 'vitest';
import { settleAll } from '../../src/app/concurrency.js';

describe('settleAll', () => {
  it('runs at most `limit` at a time and settles every item in order', async () => {
    let running = 0;
    let most = 0;
    const results = await settleAll([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 10 - n));
      running--;
      if (n === 4) throw new Error('four');
      return n * 10;
    });
    expect(most).toBe(3);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 20, 30, 'four', 50, 60, 70]);
  });

  it('handles nothing', async () => {
    expect(await settleAll([], 4, async () => 1)).toEqual([]);
  });
});
