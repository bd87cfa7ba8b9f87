package io.switchboard.api;

import java.time.Duration;

/** What one HTTP try came to, before the schedule decides what happens next. */
public sealed interface AttemptResult {

  record Delivered(int status) implements AttemptResult {}

  /** Worth trying again: a network error, a timeout, 408, 429 or 5xx. {@code retryAfter} may be null. */
  record Retryable(Integer status, Duration retryAfter, String error) implements AttemptResult {}

  /** Trying again would not help (another 4xx, or the URL is refused). */
  record Rejected(Integer status, String error) implements AttemptResult {}

  /** Not attempted: its subscription's {@code expireAfter} has passed since the event was received. */
  record Expired(String error) implements AttemptResult {}
}
