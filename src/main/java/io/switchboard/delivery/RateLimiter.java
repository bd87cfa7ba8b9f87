package io.switchboard.delivery;

/**
 * A token bucket for {@code ratePerMinute}: bursts up to one second's worth (at least one request), then
 * an even pace. Time is passed in, so it is plain logic.
 */
final class RateLimiter {

  private final double tokensPerNano;
  private final double capacity;
  private double tokens;
  private long lastNanos;

  RateLimiter(int ratePerMinute, long nowNanos) {
    this.tokensPerNano = ratePerMinute / 60e9;
    this.capacity = Math.max(1, ratePerMinute / 60.0);
    this.tokens = capacity;
    this.lastNanos = nowNanos;
  }

  /** Whole requests that could start now. */
  int available(long nowNanos) {
    refill(nowNanos);
    return (int) Math.floor(tokens);
  }

  boolean tryAcquire(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  long nanosUntilNext(long nowNanos) {
    refill(nowNanos);
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / tokensPerNano);
  }

  private void refill(long nowNanos) {
    tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * tokensPerNano);
    lastNanos = nowNanos;
  }
}
