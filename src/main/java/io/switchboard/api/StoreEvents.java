package io.switchboard.api;

import java.util.List;

/** The classified events of one inbound webhook with the deliveries they owe, committed together. */
public record StoreEvents(ClassifiedWebhook classified, List<PlannedDelivery> deliveries) {

  public StoreEvents {
    deliveries = List.copyOf(deliveries);
  }
}
