import { serializeError, type SerializedError } from './functionError.js';
import { firstFailedIndex } from './partialBatchResponse.js';
import { backoffMs, type RetryPolicy } from './retryPolicy.js';
import { abortableSleep } from './abortableSleep.js';

/** One record of a stream, with the shape Lambda puts into the event's Records array. */
export interface SourceRecord {
  /** Also the partial batch response's itemIdentifier, for DynamoDB streams and Kinesis alike. */
  sequenceNumber: string;
  record: unknown;
}

export interface BatchHandling {
  invoke(records: SourceRecord[]): Promise<unknown>;
  onFault(record: SourceRecord, error: SerializedError, attempts: number): void;
  policy: RetryPolicy;
  signal: AbortSignal;
}

type Outcome = { ok: true } | { ok: false; failedAt: number; error: SerializedError };

/**
 * Handles a batch until each record has either succeeded or become a fault, in shard order. A
 * failing batch is bisected until the failing record stands alone; that record is retried with
 * backoff and then set aside as a fault, so one poison record never blocks the records after it
 * and nothing loops forever. Records may be delivered more than once (at-least-once).
 * Rejects only when `signal` aborts (pause, close): the caller then keeps its checkpoint.
 */
export async function processBatch(records: SourceRecord[], handling: BatchHandling): Promise<void> {
  let segment = records;
  let attempts = 0;
  while (segment.length > 0) {
    handling.signal.throwIfAborted();
    const outcome = await attempt(segment, handling);
    if (outcome.ok) return;
    if (outcome.failedAt > 0) {
      // Records before the first reported failure succeeded; progress restarts the count.
      segment = segment.slice(outcome.failedAt);
      attempts = 0;
    }
    attempts += 1;
    await abortableSleep(backoffMs(handling.policy, attempts), handling.signal);
    if (segment.length > 1) {
      const middle = Math.ceil(segment.length / 2);
      await processBatch(segment.slice(0, middle), handling);
      await processBatch(segment.slice(middle), handling);
      return;
    }
    if (attempts > handling.policy.maximumRetryAttempts) {
      handling.onFault(segment[0]!, outcome.error, attempts);
      return;
    }
  }
}

async function attempt(segment: SourceRecord[], handling: BatchHandling): Promise<Outcome> {
  try {
    const result = await raceAbort(handling.invoke(segment), handling.signal);
    const failedAt = firstFailedIndex(result, segment.map((r) => r.sequenceNumber));
    if (failedAt === undefined) return { ok: true };
    return { ok: false, failedAt, error: { name: 'BatchItemFailure', message: 'the handler reported this record in batchItemFailures' } };
  } catch (e) {
    handling.signal.throwIfAborted();
    return { ok: false, failedAt: 0, error: serializeError(e) };
  }
}

/** An invocation in flight when processing pauses is left to finish; its outcome no longer counts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
