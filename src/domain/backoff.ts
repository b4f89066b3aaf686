export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed: exponential
 * (base, 2×base, 4×base …) capped at maxMs, with up to 20 % added jitter so that jobs failed
 * together do not retry in lockstep. `random` is injectable for tests.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponential = policy.baseMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxMs, exponential);
  return Math.round(capped * (1 + 0.2 * random()));
}
