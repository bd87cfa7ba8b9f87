package io.switchboard.storage;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants as the reactive client's timestamptz values. */
final class Utc {

  private Utc() {}

  /**
   * {@code instant.atOffset(UTC)} without its cost: that asks the offset for its rules, and {@link ZoneOffset}
   * builds a new rules object on every call, and this runs twice per event on the hot path.
   */
  static OffsetDateTime of(Instant instant) {
    return instant == null ? null
        : OffsetDateTime.of(LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC),
            ZoneOffset.UTC);
  }
}
