package io.switchboard.api;

import java.time.Instant;
import java.util.List;

/**
 * Hands leased deliveries back unsent (their endpoint's circuit opened): due again at {@code dueAt}, and
 * the claim's attempt is not counted, since no request was made.
 */
public record ReleaseDeliveries(List<Long> deliveryIds, List<Integer> attempts, Instant dueAt) {

  public ReleaseDeliveries {
    deliveryIds = List.copyOf(deliveryIds);
    attempts = List.copyOf(attempts);
    if (deliveryIds.size() != attempts.size()) {
      throw new IllegalArgumentException("one attempt number per delivery id");
    }
  }
}
