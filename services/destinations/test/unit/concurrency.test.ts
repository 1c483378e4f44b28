import { describe, expect, it } from 'vitest';
import { concurrencyLimit, settleAll } from '../../src/app/concurrency.js';

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

describe('concurrencyLimit', () => {
  it('lets at most `limit` calls run at once and starts the waiting ones in order as slots free', async () => {
    const slot = concurrencyLimit(2);
    const started: number[] = [];
    const finish = new Map<number, () => void>();
    let running = 0;
    let most = 0;
    const work = (n: number) => slot(() => new Promise<number>((resolve) => {
      started.push(n);
      most = Math.max(most, ++running);
      finish.set(n, () => { running--; resolve(n); });
    }));
    const settle = () => new Promise((r) => setImmediate(r));
    const calls = [1, 2, 3, 4, 5].map(work);
    await settle();
    expect(started).toEqual([1, 2]);
    finish.get(2)!();
    await settle();
    expect(started).toEqual([1, 2, 3]);
    finish.get(1)!();
    await settle();
    expect(started).toEqual([1, 2, 3, 4]);
    for (const n of [3, 4, 5]) {
      finish.get(n)!();
      await settle();
    }
    expect(await Promise.all(calls)).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('frees the slot of a call that threw', async () => {
    const slot = concurrencyLimit(1);
    await expect(slot(async () => { throw new Error('no'); })).rejects.toThrow('no');
    expect(await slot(async () => 'next')).toBe('next');
  });
});
