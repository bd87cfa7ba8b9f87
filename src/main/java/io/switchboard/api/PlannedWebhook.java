package io.switchboard.api;

import java.util.List;

/** The classified events of one inbound webhook with the deliveries they owe. */
public record PlannedWebhook(ClassifiedWebhook classified, List<PlannedDelivery> deliveries) {

  public PlannedWebhook {
    deliveries = List.copyOf(deliveries);
  }
}
