package io.switchboard.api;

import java.time.Instant;

/**
 * One HTTP try and where it leaves the delivery: succeeded, retry at {@code nextAttemptAt}, or failed
 * (dead letter). {@code statusCode} is null when no response arrived. {@code messageId} pins the row: after a
 * Postgres crash that lost a relaxed commit, an id may be handed out again to another delivery.
 * {@code leaseMillis}: the subscription's lease, for the next head of an ordered sequence this one ends;
 * {@code sequenced}: the delivery is such a head, so the sequence's next message waits for this record.
 */
public record AttemptRecord(
    long deliveryId, long subscriptionId, String messageId, int attempt, Instant startedAt, long latencyMillis,
    Integer statusCode, String responseBody, String error, Outcome outcome, Instant nextAttemptAt, long leaseMillis,
    boolean sequenced) {

  /** EXPIRED: not attempted, its subscription's expireAfter passed; nothing is logged as an attempt. */
  public enum Outcome { SUCCEEDED, RETRY, FAILED, EXPIRED }
}
