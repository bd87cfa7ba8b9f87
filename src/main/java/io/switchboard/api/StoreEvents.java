package io.switchboard.api;

import java.util.List;

/**
 * Planned webhooks to store: their events, deliveries and outcomes. Storage group-commits them with
 * other requests; each webhook's rows are committed together.
 */
public record StoreEvents(List<PlannedWebhook> webhooks) {

  public StoreEvents {
    webhooks = List.copyOf(webhooks);
  }
}
