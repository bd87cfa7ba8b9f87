package io.switchboard.delivery;

import java.time.Duration;

/**
 * Stops hammering an endpoint that keeps failing. After {@code threshold} retryable failures in a row the
 * circuit opens for a cooldown (doubling each time it re-opens, up to {@code maxCooldown}); then one probe
 * is let through: success closes it, failure opens it again. Time is passed in, so it is plain logic.
 */
final class CircuitBreaker {

  enum State { CLOSED, OPEN, HALF_OPEN }

  private final int threshold;
  private final Duration cooldown;
  private final Duration maxCooldown;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private int opens;
  private long openUntilNanos;
  private long failingSinceNanos = -1;
  private boolean probing;

  CircuitBreaker(int threshold, Duration cooldown, Duration maxCooldown) {
    this.threshold = threshold;
    this.cooldown = cooldown;
    this.maxCooldown = maxCooldown;
  }

  /** Whether one more request may start now; in half-open state only a single probe may. */
  boolean allowsRequest(long nowNanos) {
    if (state == State.OPEN && nowNanos >= openUntilNanos) {
      state = State.HALF_OPEN;
      probing = false;
    }
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> !probing;
    };
  }

  /** An operator asked for a retry: end the cooldown now, so the next request is the probe. */
  void probeNow(long nowNanos) {
    if (state == State.OPEN) {
      openUntilNanos = nowNanos;
    }
  }

  void started() {
    if (state == State.HALF_OPEN) {
      probing = true;
    }
  }

  /** The probe came back without a verdict on the endpoint (a refusal before sending): the next request probes again. */
  void probeAbandoned() {
    probing = false;
  }

  void succeeded() {
    state = State.CLOSED;
    consecutiveFailures = 0;
    opens = 0;
    probing = false;
    failingSinceNanos = -1;
  }

  /** Returns true when this failure opened the circuit. */
  boolean failed(long nowNanos) {
    consecutiveFailures++;
    if (failingSinceNanos < 0) {
      failingSinceNanos = nowNanos;
    }
    if (state == State.HALF_OPEN || (state == State.CLOSED && consecutiveFailures >= threshold)) {
      long wait = Math.min(cooldown.toNanos() << Math.min(opens, 20), maxCooldown.toNanos());
      opens++;
      state = State.OPEN;
      probing = false;
      openUntilNanos = nowNanos + wait;
      return true;
    }
    return false;
  }

  State state() {
    return state;
  }

  long openUntilNanos() {
    return openUntilNanos;
  }

  /** How long the endpoint has failed without a single success in between (zero when healthy). */
  Duration failingFor(long nowNanos) {
    return failingSinceNanos < 0 ? Duration.ZERO : Duration.ofNanos(nowNanos - failingSinceNanos);
  }
}
