package io.switchboard.api;

import java.util.List;

/** A list of subscriptions crossing the bus (config specs going to storage have id 0). */
public record SubscriptionSet(List<StoredSubscription> subscriptions) {

  public SubscriptionSet {
    subscriptions = List.copyOf(subscriptions);
  }
}
