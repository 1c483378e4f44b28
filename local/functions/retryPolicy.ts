export interface RetryPolicy {
  /** Retries of a single failing record before it becomes a fault. */
  maximumRetryAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 3;

export function retryPolicy(maximumRetryAttempts = DEFAULT_MAXIMUM_RETRY_ATTEMPTS): RetryPolicy {
  // Short delays: locally a failure is a bug or an outage being drilled, and the shard waits meanwhile.
  return { maximumRetryAttempts: Math.max(0, maximumRetryAttempts), baseDelayMs: 100, maxDelayMs: 2000 };
}

/** Exponential backoff before retry number `attempt` (1-based). */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}
