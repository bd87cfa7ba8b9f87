package io.switchboard.delivery;

import io.switchboard.api.AttemptRecord;
import io.switchboard.api.AttemptRecord.Outcome;
import io.switchboard.api.AttemptResult;
import io.switchboard.api.DeliveryJob;
import io.switchboard.api.FinishedAttempt;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a finished attempt into its record: what the delivery becomes, and when it is tried again. */
final class AttemptOutcomes {

  private static final Logger LOG = LoggerFactory.getLogger(AttemptOutcomes.class);

  private final RetryPolicy retryPolicy;

  AttemptOutcomes(RetryPolicy retryPolicy) {
    this.retryPolicy = retryPolicy;
  }

  AttemptRecord decide(FinishedAttempt attempt, String subscription, List<Duration> schedule) {
    DeliveryJob job = attempt.job();
    if (attempt.result() instanceof AttemptResult.Delivered d) {
      return record(attempt, d.status(), null, Outcome.SUCCEEDED, null);
    }
    if (attempt.result() instanceof AttemptResult.Retryable r) {
      return retry(attempt, r, subscription, schedule);
    }
    AttemptResult.Rejected r = (AttemptResult.Rejected) attempt.result();
    LOG.warn("delivery to {} ({}, attempt {}) failed: {}; not retried", subscription, job.messageId(), job.attempt(),
        r.error());
    return record(attempt, r.status(), r.error(), Outcome.FAILED, null);
  }

  private AttemptRecord retry(FinishedAttempt attempt, AttemptResult.Retryable r, String subscription,
      List<Duration> schedule) {
    DeliveryJob job = attempt.job();
    Duration delay = retryPolicy.nextDelay(schedule, job.attempt(), r.retryAfter());
    if (delay == null) {
      LOG.warn("delivery to {} ({}, attempt {}) got {}; schedule used up, delivery failed", subscription,
          job.messageId(), job.attempt(), r.error());
      return record(attempt, r.status(), r.error(), Outcome.FAILED, null);
    }
    LOG.info("delivery to {} ({}, attempt {}) got {}; retry in {}", subscription, job.messageId(), job.attempt(),
        r.error(), delay);
    return record(attempt, r.status(), r.error(), Outcome.RETRY, Instant.now().plus(delay));
  }

  private static AttemptRecord record(FinishedAttempt attempt, Integer status, String error, Outcome outcome,
      Instant nextAttemptAt) {
    return new AttemptRecord(attempt.job().deliveryId(), attempt.job().attempt(), attempt.startedAt(),
        attempt.latencyMillis(), status, attempt.responseBody(), error, outcome, nextAttemptAt);
  }
}
