package io.github.reloadwatch;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a watcher retries a reload that failed with a retryable error: exponential backoff with
 * jitter, capped, until it succeeds, newer content supersedes it, or {@code maxAttempts} is reached.
 * A failure that says the target is not there yet ({@link
 * ReloadFailedException#targetUnavailable(String, Throwable)}: refused connection, no process) is
 * cheap for the target and is retried every {@link #unavailableInterval()} (jittered) for as long as
 * it lasts instead; the backoff counts only the failures that cost the target something
 * (timeouts, errors).
 *
 * <pre>{@code
 * RetryPolicy retry = RetryPolicy.builder()
 *     .initialBackoff(Duration.ofMillis(500))
 *     .maxBackoff(Duration.ofSeconds(30))
 *     .build();
 * }</pre>
 *
 * <p>A {@link ReloadRejectedException} is never retried. Instances are immutable and thread-safe;
 * the builder is not thread-safe.
 *
 * @since 0.1.0
 */
public final class RetryPolicy {

  /** The delay before the first retry: 1 second. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);

  /** The cap on the delay between retries: 1 minute. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);

  /** The factor by which the delay grows after each failure: 2. */
  public static final double DEFAULT_MULTIPLIER = 2.0;

  /** The randomization factor: each delay is drawn within ±50% of its nominal value. */
  public static final double DEFAULT_JITTER = 0.5;

  /** The retry interval while the target is unavailable: 1 second. */
  public static final Duration DEFAULT_UNAVAILABLE_INTERVAL = Duration.ofSeconds(1);

  private static final RetryPolicy DEFAULTS = builder().build();
  private static final RetryPolicy NEVER = builder().maxAttempts(1).build();

  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double multiplier;
  private final double jitter;
  private final int maxAttempts;
  private final Duration unavailableInterval;
  private final IntervalFunction intervals;
  private final IntervalFunction unavailableIntervals;

  private RetryPolicy(Builder builder) {
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.multiplier = builder.multiplier;
    this.jitter = builder.jitter;
    this.maxAttempts = builder.maxAttempts;
    this.unavailableInterval = builder.unavailableInterval;
    this.unavailableIntervals = jitter == 0
        ? IntervalFunction.of(unavailableInterval)
        : IntervalFunction.ofRandomized(unavailableInterval, jitter);
    this.intervals =
        jitter == 0
            ? IntervalFunction.ofExponentialBackoff(initialBackoff, multiplier, maxBackoff)
            : IntervalFunction.ofExponentialRandomBackoff(
                initialBackoff, multiplier, jitter, maxBackoff);
  }

  /**
   * Returns the default policy: 1 s initial backoff doubling up to 1 min, ±50% jitter, retried
   * until success or newer content.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a policy that never retries: a failed reload waits for the next content change.
   *
   * @return a policy with {@code maxAttempts} 1
   */
  public static RetryPolicy never() {
    return NEVER;
  }

  /**
   * Returns a new builder with the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns how many attempts are made for one snapshot, or 0 for no limit.
   *
   * @return the maximum number of attempts
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Returns the interval at which an unavailable target is retried.
   *
   * @return the nominal interval, before jitter
   */
  public Duration unavailableInterval() {
    return unavailableInterval;
  }

  /**
   * Returns the delay before the next attempt after an attempt found the target unavailable: the
   * jittered {@link #unavailableInterval()}, however many attempts came before.
   *
   * @param failedAttempt the number of the attempt that failed, from 1
   * @return the delay, or empty if no more attempts are allowed
   * @throws IllegalArgumentException if {@code failedAttempt} is less than 1
   */
  public Optional<Duration> delayWhileUnavailable(int failedAttempt) {
    if (failedAttempt < 1) {
      throw new IllegalArgumentException("failedAttempt (" + failedAttempt + ") must be at least 1");
    }
    if (maxAttempts > 0 && failedAttempt >= maxAttempts) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis(unavailableIntervals.apply(1)));
  }

  /**
   * Returns the delay to wait after the given failed attempt before the next one.
   *
   * @param failedAttempt the number of the attempt that failed, from 1
   * @return the delay, or empty if no more attempts are allowed
   * @throws IllegalArgumentException if {@code failedAttempt} is less than 1
   */
  public Optional<Duration> delayAfter(int failedAttempt) {
    if (failedAttempt < 1) {
      throw new IllegalArgumentException("failedAttempt (" + failedAttempt + ") must be at least 1");
    }
    if (maxAttempts > 0 && failedAttempt >= maxAttempts) {
      return Optional.empty();
    }
    // resilience4j counts attempts from 1 and overflows to its cap on large values
    long millis = intervals.apply(Math.min(failedAttempt, 64));
    return Optional.of(Duration.ofMillis(Math.min(millis, maxBackoff.toMillis())));
  }

  @Override
  public String toString() {
    return "RetryPolicy{initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff
        + ", multiplier=" + multiplier + ", jitter=" + jitter + ", unavailableInterval="
        + unavailableInterval + ", maxAttempts=" + (maxAttempts == 0 ? "unlimited" : maxAttempts)
        + "}";
  }

  /** Builds a {@link RetryPolicy}. Not thread-safe. */
  public static final class Builder {
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private double multiplier = DEFAULT_MULTIPLIER;
    private double jitter = DEFAULT_JITTER;
    private int maxAttempts;
    private Duration unavailableInterval = DEFAULT_UNAVAILABLE_INTERVAL;

    private Builder() {}

    /**
     * Sets the delay before the first retry. Defaults to 1 second.
     *
     * @param initialBackoff a positive duration
     * @return this builder
     * @throws NullPointerException if {@code initialBackoff} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder initialBackoff(Duration initialBackoff) {
      Objects.requireNonNull(initialBackoff, "initialBackoff cannot be null");
      if (initialBackoff.isNegative() || initialBackoff.isZero()) {
        throw new IllegalArgumentException(
            "initialBackoff (" + initialBackoff + ") must be positive");
      }
      this.initialBackoff = initialBackoff;
      return this;
    }

    /**
     * Sets the cap on the delay between retries. Defaults to 1 minute.
     *
     * @param maxBackoff a positive duration, not less than the initial backoff
     * @return this builder
     * @throws NullPointerException if {@code maxBackoff} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder maxBackoff(Duration maxBackoff) {
      Objects.requireNonNull(maxBackoff, "maxBackoff cannot be null");
      if (maxBackoff.isNegative() || maxBackoff.isZero()) {
        throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must be positive");
      }
      this.maxBackoff = maxBackoff;
      return this;
    }

    /**
     * Sets the factor by which the delay grows after each failure. Defaults to 2.
     *
     * @param multiplier a factor of at least 1
     * @return this builder
     * @throws IllegalArgumentException if it is less than 1 or not finite
     */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier (" + multiplier + ") must be at least 1");
      }
      this.multiplier = multiplier;
      return this;
    }

    /**
     * Sets the randomization factor: each delay is drawn uniformly within {@code ±jitter} of its
     * nominal value, so many watchers do not retry in lockstep. Defaults to 0.5; 0 disables.
     *
     * @param jitter a factor from 0 (inclusive) to 1 (exclusive)
     * @return this builder
     * @throws IllegalArgumentException if it is outside {@code [0, 1)}
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0.0 && jitter < 1.0)) {
        throw new IllegalArgumentException("jitter (" + jitter + ") must be in [0, 1)");
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * Sets the interval at which a target that is not there yet (connection refused, no such
     * process) is retried, jittered like the backoff, for as long as it stays away. Defaults to
     * 1 second: a reload follows a restarting target within about that.
     *
     * @param unavailableInterval a positive duration
     * @return this builder
     * @throws NullPointerException if {@code unavailableInterval} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder unavailableInterval(Duration unavailableInterval) {
      Objects.requireNonNull(unavailableInterval, "unavailableInterval cannot be null");
      if (unavailableInterval.isNegative() || unavailableInterval.isZero()) {
        throw new IllegalArgumentException(
            "unavailableInterval (" + unavailableInterval + ") must be positive");
      }
      this.unavailableInterval = unavailableInterval;
      return this;
    }

    /**
     * Sets how many attempts are made for one snapshot, the first included. Defaults to 0, which
     * means no limit: retry until success or newer content.
     *
     * @param maxAttempts 0 for no limit, or a positive count
     * @return this builder
     * @throws IllegalArgumentException if it is negative
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 0) {
        throw new IllegalArgumentException(
            "maxAttempts (" + maxAttempts + ") must not be negative; use 0 for no limit");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Builds the policy. The builder stays usable.
     *
     * @return a new immutable policy
     * @throws IllegalArgumentException if the maximum backoff is less than the initial one
     */
    public RetryPolicy build() {
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff (" + maxBackoff + ") must not be less than initialBackoff ("
                + initialBackoff + ")");
      }
      return new RetryPolicy(this);
    }
  }
}
