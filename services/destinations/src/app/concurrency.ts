/**
 * Runs `work` over items, at most `limit` at a time, and settles every one: consumers handle
 * different destinations side by side (their order does not matter to the fold), then report the
 * earliest failure in stream order. Results are in the items' order.
 */
export async function settleAll<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      try {
        results[i] = { status: 'fulfilled', value: await work(items[i]!) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** How many destinations a consumer works on at once: enough to hide round trips, few enough to spare DynamoDB. */
export const CONSUMER_CONCURRENCY = 8;

/**
 * At most `limit` of the calls made through it run at once; the others wait their turn, in order.
 * For work handed out one item at a time by someone else (Powertools' batch processor starts every
 * record at once).
 */
export function concurrencyLimit(limit: number): <R>(work: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (work) => {
    // A finishing call hands its slot straight to the next in line, so none can slip in between.
    if (running < limit) running++;
    else await new Promise<void>((go) => waiting.push(go));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
