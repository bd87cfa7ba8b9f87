package io.switchboard.api;

import java.time.Instant;
import java.util.Objects;

/** One HTTP try as dispatch saw it, before the schedule decides what becomes of the delivery. */
public record FinishedAttempt(DeliveryJob job, AttemptResult result, String responseBody, Instant startedAt,
    long latencyMillis) {

  public FinishedAttempt {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(startedAt, "startedAt");
  }
}
