package io.switchboard.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One classified update, ready to store and deliver. {@code json} is the exact document subscribers
 * receive (SPEC section 5); the other fields are its indexed columns, and {@code contactKey} (null when the
 * update names no person) the {@code data.contact_key} subscriptions may filter on and order by;
 * {@code statusOf}, for a {@code message.status.*} event, the message it is about (with the group participant):
 * the key under which its statuses must not go backwards.
 */
public record NormalizedEvent(
    String id,
    String type,
    String source,
    Instant occurredAt,
    Instant receivedAt,
    String wabaId,
    String phoneNumberId,
    String displayPhoneNumber,
    long inboundId,
    String contactKey,
    String statusOf,
    String json) {

  public NormalizedEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(json, "json");
  }
}
