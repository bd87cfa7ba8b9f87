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

  /**
   * {@code expireAfter} may be null (never); {@code holdLimit} is null for an unordered subscription, else how long
   * an ordered delivery may keep failing (and hold back its sequence) before it is failed for good.
   */
  AttemptRecord decide(FinishedAttempt attempt, String subscription, List<Duration> schedule, Duration expireAfter,
      Duration holdLimit) {
    DeliveryJob job = attempt.job();
    if (attempt.result() instanceof AttemptResult.Delivered d) {
      return record(attempt, d.status(), null, Outcome.SUCCEEDED, null);
    }
    if (attempt.result() instanceof AttemptResult.Retryable r) {
      return retry(attempt, r, subscription, schedule, expireAfter, holdLimit);
    }
    if (attempt.result() instanceof AttemptResult.Expired x) {
      LOG.warn("delivery to {} ({}, attempt {}) expired: {}; not attempted again", subscription, job.messageId(),
          job.attempt(), x.error());
      return record(attempt, null, x.error(), Outcome.EXPIRED, null);
    }
    AttemptResult.Rejected r = (AttemptResult.Rejected) attempt.result();
    LOG.warn("delivery to {} ({}, attempt {}) failed: {}; not retried", subscription, job.messageId(), job.attempt(),
        r.error());
    return record(attempt, r.status(), r.error(), Outcome.FAILED, null);
  }

  /** A retry never waits past the expiry: it is due then, and dispatch ends it as expired. */
  private AttemptRecord retry(FinishedAttempt attempt, AttemptResult.Retryable r, String subscription,
      List<Duration> schedule, Duration expireAfter, Duration holdLimit) {
    DeliveryJob job = attempt.job();
    Duration delay = retryPolicy.nextDelay(schedule, job.attempt(), r.retryAfter());
    if (delay == null) {
      LOG.warn("delivery to {} ({}, attempt {}) got {}; schedule used up, delivery failed", subscription,
          job.messageId(), job.attempt(), r.error());
      return record(attempt, r.status(), r.error(), Outcome.FAILED, null);
    }
    Instant failingSince = job.firstTriedAt() == null ? attempt.startedAt() : job.firstTriedAt();
    if (holdLimit != null && job.sequenced() && !Instant.now().plus(delay).isBefore(failingSince.plus(holdLimit))) {
      LOG.warn("delivery to {} ({}, attempt {}) got {}; it has held back its sequence for {} (orderingHoldLimit),"
          + " failed so the sequence moves on", subscription, job.messageId(), job.attempt(), r.error(), holdLimit);
      return record(attempt, r.status(), r.error() + "; failed after orderingHoldLimit " + holdLimit, Outcome.FAILED,
          null);
    }
    Instant next = Instant.now().plus(delay);
    if (expireAfter != null && next.isAfter(job.receivedAt().plus(expireAfter))) {
      next = job.receivedAt().plus(expireAfter);
    }
    LOG.info("delivery to {} ({}, attempt {}) got {}; retry at {}", subscription, job.messageId(), job.attempt(),
        r.error(), next);
    return record(attempt, r.status(), r.error(), Outcome.RETRY, next);
  }

  private static AttemptRecord record(FinishedAttempt attempt, Integer status, String error, Outcome outcome,
      Instant nextAttemptAt) {
    DeliveryJob job = attempt.job();
    return new AttemptRecord(job.deliveryId(), job.subscriptionId(), job.messageId(), job.attempt(),
        attempt.startedAt(), attempt.latencyMillis(), status, attempt.responseBody(), error, outcome, nextAttemptAt,
        job.leaseMillis(), job.sequenced());
  }
}
