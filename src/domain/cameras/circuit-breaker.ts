export interface CircuitBreakerOptions {
  /** Consecutive failures after which the camera is rested instead of asked every tick. */
  threshold: number;
  /** The first rest; each further failed probe doubles it, up to maxMs. */
  baseMs: number;
  maxMs: number;
}

export const defaultCircuitBreaker: CircuitBreakerOptions = { threshold: 3, baseMs: 30_000, maxMs: 10 * 60_000 };

/**
 * Whether to ask a failing camera again. It is never dropped: after `threshold` failures in a row it
 * rests (its ticks are skipped and counted), then one tick probes it; a success closes the breaker,
 * a failure rests it twice as long. `jitter` (0–1) spreads the probes of cameras that failed together.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;

  constructor(private readonly options: CircuitBreakerOptions = defaultCircuitBreaker) {}

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Whether a fetch may go ahead at `now`. */
  allows(now: number): boolean {
    return this.failures < this.options.threshold || now >= this.openUntil;
  }

  succeeded(): void {
    this.failures = 0;
    this.openUntil = 0;
  }

  failed(now: number, jitter = 0.5): void {
    this.failures += 1;
    const { threshold, baseMs, maxMs } = this.options;
    if (this.failures < threshold) return;
    const rest = Math.min(maxMs, baseMs * 2 ** (this.failures - threshold));
    this.openUntil = now + rest * (0.75 + 0.5 * jitter);
  }
}
