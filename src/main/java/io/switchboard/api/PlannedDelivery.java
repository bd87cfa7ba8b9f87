package io.switchboard.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One event (or, for {@code raw} subscriptions, one whole inbound body) owed to one subscription.
 * {@code messageId} is the Standard Webhooks {@code webhook-id}: the event id, or {@code raw_<inboundId>}.
 * {@code body} is what will be POSTed, kept in memory so the first attempt needs no read back; {@code lease}
 * is how long the stored row stays this instance's to send; {@code receivedAt} is when its event was received,
 * from which a subscription's {@code expireAfter} counts. An ordered subscription's delivery names its
 * {@code sequenceKey} (null: sent as soon as it can be) and its place there ({@code sequencePos}, the event's
 * position in the body); a monotonic one's status names the message it ranks under ({@code statusOf}, null
 * when its status has no rank) and its {@code statusRank}.
 */
public record PlannedDelivery(long subscriptionId, String messageId, String eventType, String phoneNumberId,
    Duration lease, Instant receivedAt, byte[] body, String sequenceKey, int sequencePos, String statusOf,
    int statusRank) {

  /** A delivery that waits for nothing. */
  public PlannedDelivery(long subscriptionId, String messageId, String eventType, String phoneNumberId,
      Duration lease, Instant receivedAt, byte[] body) {
    this(subscriptionId, messageId, eventType, phoneNumberId, lease, receivedAt, body, null, 0, null, 0);
  }

  /** The event type a raw delivery is logged under: the delivery log's SQL tells the two kinds apart by it. */
  public static final String RAW_EVENT_TYPE = "raw";

  /** A raw subscription's delivery of a whole inbound body. */
  public static PlannedDelivery raw(long subscriptionId, long inboundId, String phoneNumberId, Duration lease,
      Instant receivedAt, byte[] body) {
    return new PlannedDelivery(subscriptionId, "raw_" + inboundId, RAW_EVENT_TYPE, phoneNumberId, lease, receivedAt,
        body);
  }

  /** Owed once per body, not per event. */
  public boolean isRaw() {
    return RAW_EVENT_TYPE.equals(eventType);
  }

  public PlannedDelivery {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(body, "body");
  }
}
