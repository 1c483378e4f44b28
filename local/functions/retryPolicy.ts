/**
 * How Lambda retries an event whose invocation failed before it sets the event aside as a fault. One
 * policy for both kinds of invocation the local cloud runs: a stream event source mapping (per record)
 * and an asynchronous invocation (a topic's delivery). The count is named as Lambda names the setting
 * of both, MaximumRetryAttempts: retries after the first attempt, so an event is tried 1 + that many times.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (Lambda's MaximumRetryAttempts); then the event becomes a fault. */
  maximumRetryAttempts: number;
  /** Delay before the first retry, doubling after each further failure. */
  baseDelayMs: number;
  /** Cap on any one delay. */
  maxDelayMs: number;
}

const DEFAULT_MAPPING_RETRY_ATTEMPTS = 3;

/** A stream mapping's policy: `maximumRetryAttempts` from the mapping (default 3, negatives as 0). */
export function mappingRetryPolicy(maximumRetryAttempts = DEFAULT_MAPPING_RETRY_ATTEMPTS): RetryPolicy {
  // Short delays: locally a failure is a bug or an outage being drilled, and the shard waits meanwhile.
  return { maximumRetryAttempts: Math.max(0, maximumRetryAttempts), baseDelayMs: 100, maxDelayMs: 2000 };
}

/** Lambda's default for asynchronous invocation: 2 retries (AWS waits about 1 and 2 minutes; locally 1 s and 2 s). */
export const ASYNC_INVOCATION_RETRY_POLICY: RetryPolicy = { maximumRetryAttempts: 2, baseDelayMs: 1000, maxDelayMs: 60_000 };

/** The wait before retry number `retry` (1 → base, 2 → 2·base, …, capped). */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
}
