package io.switchboard.delivery;

import io.switchboard.api.AttemptResult;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.DoubleSupplier;

/** Reads a response as an {@link AttemptResult} and turns the schedule into the next attempt's time. */
final class RetryPolicy {

  /** A subscriber may ask for a pause, but not park a delivery for longer than this. */
  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

  private final double jitter;
  private final DoubleSupplier random;

  RetryPolicy(double jitter, DoubleSupplier random) {
    this.jitter = jitter;
    this.random = random;
  }

  static AttemptResult classify(int status, String retryAfterHeader, Instant now) {
    if (status >= 200 && status < 300) {
      return new AttemptResult.Delivered(status);
    }
    if (status == 408 || status == 429 || status >= 500) {
      return new AttemptResult.Retryable(status, parseRetryAfter(retryAfterHeader, now), "HTTP " + status);
    }
    return new AttemptResult.Rejected(status, "HTTP " + status);
  }

  /**
   * The delay before attempt {@code attempt + 1}, or null when the schedule is used up. Retry-After wins
   * over the schedule when it is given; jitter spreads retries so a recovering endpoint is not stampeded.
   */
  Duration nextDelay(List<Duration> schedule, int attempt, Duration retryAfter) {
    if (attempt > schedule.size()) {
      return null;
    }
    if (retryAfter != null) {
      return retryAfter;
    }
    Duration base = schedule.get(attempt - 1);
    double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
    return Duration.ofMillis(Math.max(1, Math.round(base.toMillis() * factor)));
  }

  /** Retry-After is either delta-seconds or an HTTP date (RFC 9110 section 10.2.3). */
  static Duration parseRetryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds < 0 ? null : min(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return at.isAfter(now) ? min(Duration.between(now, at)) : Duration.ZERO;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  private static Duration min(Duration d) {
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }
}
