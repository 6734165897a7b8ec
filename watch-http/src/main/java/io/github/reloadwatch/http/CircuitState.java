package io.github.reloadwatch.http;

/**
 * The state of an {@link HttpReloadAction}'s circuit breaker, for a metric or a status page; see
 * {@link HttpReloadAction#circuitState()}.
 *
 * <pre>{@code
 * boolean holdingBack = reload.circuitState() == CircuitState.OPEN;
 * }</pre>
 *
 * @since 0.1.0
 */
public enum CircuitState {
  /** Attempts go through; expensive failures in a row are being counted. */
  CLOSED,
  /**
   * Retries of the same content fail at once with a {@link CircuitOpenException}, nothing sent,
   * until the open duration has passed; new content still goes through.
   */
  OPEN,
  /** The open duration has passed: the next attempt is the probe that closes or reopens it. */
  HALF_OPEN
}
