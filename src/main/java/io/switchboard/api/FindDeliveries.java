package io.switchboard.api;

/**
 * One page of the delivery log, newest first. Null filters match everything; {@code eventType} may be a
 * glob ({@code message.*}); {@code beforeId} is the keyset cursor (the last id of the previous page).
 */
public record FindDeliveries(
    String phoneNumberId, String status, String eventType, String subscription, int limit, Long beforeId) {

  public FindDeliveries {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
  }
}
