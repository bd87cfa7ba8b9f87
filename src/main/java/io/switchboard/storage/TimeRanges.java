package io.switchboard.storage;

/**
 * A time bound as migration V10 reads it: the id range its binary search over a primary key finds, widened by the
 * slack, with the exact time filter beside it, so only the filter decides which rows of the range count. A null
 * time bounds nothing.
 */
final class TimeRanges {

  /** The tables searched, and their time column: bodies (by receipt), deliveries (by creation). */
  static final String BODIES = "'inbound_webhooks', 'received_at'";
  static final String DELIVERIES = "'deliveries', 'created_at'";

  private TimeRanges() {}

  /** Rows whose {@code time} is at or after {@code at}; {@code id} follows the ids of {@code searched}. */
  static String since(String id, String time, String searched, String at) {
    return "%s >= (SELECT ids_from(%s, %s)) AND ((%s)::timestamptz IS NULL OR %s >= %s)"
        .formatted(id, searched, at, at, time, at);
  }

  /** Rows whose {@code time} is before {@code at}; {@code id} follows the ids of {@code searched}. */
  static String before(String id, String time, String searched, String at) {
    return "%s < (SELECT ids_before(%s, %s)) AND ((%s)::timestamptz IS NULL OR %s < %s)"
        .formatted(id, searched, at, at, time, at);
  }
}
