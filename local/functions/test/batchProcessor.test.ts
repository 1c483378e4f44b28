import { describe, expect, it } from 'vitest';
import { processBatch, type SourceRecord } from '../batchProcessor.js';
import { firstFailedIndex } from '../partialBatchResponse.js';
import { mappingRetryPolicy } from '../retryPolicy.js';

const records = (n: number): SourceRecord[] => Array.from({ length: n }, (_, i) => ({ sequenceNumber: String(i + 1), record: { id: i + 1 } }));
const fast = { ...mappingRetryPolicy(2), baseDelayMs: 1 };

function run(n: number, handler: (ids: string[]) => unknown, policy = fast) {
  const calls: string[][] = [];
  const faults: { id: string; attempts: number }[] = [];
  const done = processBatch(records(n), {
    invoke: async (batch) => {
      const ids = batch.map((r) => r.sequenceNumber);
      calls.push(ids);
      return handler(ids);
    },
    onFault: (record, _error, attempts) => faults.push({ id: record.sequenceNumber, attempts }),
    policy,
    signal: new AbortController().signal,
  });
  return { done, calls, faults };
}

describe('processBatch', () => {
  it('invokes once when the batch succeeds', async () => {
    const { done, calls, faults } = run(5, () => ({}));
    await done;
    expect(calls).toEqual([['1', '2', '3', '4', '5']]);
    expect(faults).toEqual([]);
  });

  it('isolates a poison record by bisection, retries it alone a bounded number of times, and handles every other record', async () => {
    const { done, calls, faults } = run(16, (ids) => {
      if (ids.includes('11')) throw new Error('poison');
    });
    await done;
    expect(faults).toEqual([{ id: '11', attempts: 3 }]);
    expect(calls.filter((c) => c.length === 1 && c[0] === '11')).toHaveLength(3);
    expect(calls.length).toBeLessThanOrEqual(1 + 2 * Math.log2(16) + 2);
    const succeeded = new Set(calls.filter((c) => !c.includes('11')).flat());
    expect([...succeeded].sort((a, b) => Number(a) - Number(b))).toEqual(records(16).map((r) => r.sequenceNumber).filter((s) => s !== '11'));
    // Shard order: no record is handled before one that precedes it has succeeded or faulted.
    const firstSuccess = calls.findIndex((c) => c.includes('12') && !c.includes('11'));
    expect(calls.slice(firstSuccess).some((c) => c.includes('11'))).toBe(false);
  });

  it('retries from the first reported item of a partial batch response, never the ones before it', async () => {
    let failures = 1;
    const { done, calls, faults } = run(6, (ids) => (ids.includes('4') && failures-- > 0 ? { batchItemFailures: [{ itemIdentifier: '4' }] } : {}));
    await done;
    expect(faults).toEqual([]);
    expect(calls[0]).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(calls.slice(1).flat()).not.toContain('1');
    expect(calls.slice(1).flat()).toContain('4');
  });

  it('stops without settling when its signal aborts, so the caller keeps the checkpoint', async () => {
    const controller = new AbortController();
    const done = processBatch(records(2), {
      invoke: () => new Promise(() => undefined),
      onFault: () => undefined,
      policy: fast,
      signal: controller.signal,
    });
    controller.abort(new Error('paused'));
    await expect(done).rejects.toThrow('paused');
  });
});

describe('firstFailedIndex', () => {
  const ids = ['a', 'b', 'c'];
  it('reads success, the first failure, and malformed responses as AWS does', () => {
    expect(firstFailedIndex(undefined, ids)).toBeUndefined();
    expect(firstFailedIndex({ batchItemFailures: [] }, ids)).toBeUndefined();
    expect(firstFailedIndex({ batchItemFailures: [{ itemIdentifier: 'c' }, { itemIdentifier: 'b' }] }, ids)).toBe(1);
    expect(firstFailedIndex({ batchItemFailures: [{ itemIdentifier: 'zzz' }] }, ids)).toBe(0);
    expect(firstFailedIndex({ batchItemFailures: [{ itemIdentifier: '' }] }, ids)).toBe(0);
    expect(firstFailedIndex({ batchItemFailures: 'nope' }, ids)).toBe(0);
  });
});
