/** Shape of an exponential backoff: the first delay, the growth factor and the ceiling. */
export interface BackoffPolicy {
  /** Delay before the first retry, in milliseconds. */
  initialMs: number;
  /** Multiplier applied per consecutive failure. */
  factor: number;
  /** Upper bound for any delay, in milliseconds. */
  maxMs: number;
  /**
   * Share of the delay that is randomised, 0..1. With 0.5 a 4 s step waits
   * between 2 s and 4 s, so replicas that lost the API server together do not
   * all come back in the same millisecond.
   */
  jitter: number;
}

/** Defaults for reconnecting to the Kubernetes API: 250 ms doubling up to 10 s. */
export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = {
  initialMs: 250,
  factor: 2,
  maxMs: 10_000,
  jitter: 0.5,
};

/**
 * The delay before retry number `attempt` (0 for the first retry): exponential
 * growth capped at `maxMs`, then reduced by up to `jitter` of itself.
 * `random` must return a number in [0, 1).
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(attempt));
  // Cap before multiplying further so large attempt counts cannot overflow to Infinity.
  const ceiling = Math.min(policy.maxMs, policy.initialMs * Math.pow(policy.factor, Math.min(exponent, 64)));
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(ceiling * (1 - jitter * random()));
}

/**
 * Counts consecutive failures and turns them into delays. The count resets
 * once a connection has stayed healthy for `resetAfterMs`, so a link that
 * fails right after each success still backs off instead of spinning.
 */
export class ExponentialBackoff {
  private attempt = 0;
  private healthySince: number | undefined;

  constructor(
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF_POLICY,
    private readonly resetAfterMs = 10_000,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Records a success; the next failure starts from the initial delay if this one lasts long enough. */
  succeeded(): void {
    this.healthySince = this.now();
  }

  /** Records a failure and returns how long to wait before retrying. */
  failed(): number {
    if (this.healthySince !== undefined && this.now() - this.healthySince >= this.resetAfterMs)
      this.attempt = 0;
    this.healthySince = undefined;
    return backoffDelay(this.attempt++, this.policy, this.random);
  }

  /** Consecutive failures since the last reset. */
  get failures(): number {
    return this.attempt;
  }
}
