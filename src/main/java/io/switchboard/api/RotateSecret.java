package io.switchboard.api;

import java.time.Duration;
import java.util.Objects;

/** Gives an API-owned subscription {@code newSecret}; its current secret keeps signing for {@code expireOldAfter}. */
public record RotateSecret(long id, String newSecret, Duration expireOldAfter) {

  public RotateSecret {
    Objects.requireNonNull(newSecret, "newSecret");
    Objects.requireNonNull(expireOldAfter, "expireOldAfter");
  }
}
