package io.switchboard.api;

import java.time.Instant;
import java.util.Objects;

/** Makes every matching delivery due now (a bulk retry); null {@code since}/{@code until}/{@code subscription} match all. */
public record ReplayDeliveries(String status, Instant since, Instant until, String subscription) {

  public ReplayDeliveries {
    Objects.requireNonNull(status, "status");
  }
}
