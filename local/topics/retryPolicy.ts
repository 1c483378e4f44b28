/** How often and how patiently a failing subscriber is retried before the message becomes a fault. */
export interface RetryPolicy {
  /** Attempts in all, the first included; default 3 (Lambda's asynchronous invocation: 1 + 2 retries). */
  maxAttempts: number;
  /** Delay before the first retry, doubling after each further failure; default 1000 ms. */
  baseDelayMs: number;
  /** Cap on any one delay; default 60000 ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 };

/** The wait after `failedAttempts` failures (1 → base, 2 → 2·base, …). */
export function backoffMs(policy: RetryPolicy, failedAttempts: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
}
