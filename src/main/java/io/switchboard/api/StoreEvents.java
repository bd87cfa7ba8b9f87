package io.switchboard.api;

import java.util.List;

/**
 * Planned webhooks to store: their events, deliveries (leased to this instance) and outcomes. Storage
 * group-commits them with other requests, each webhook's rows together, then hands the new deliveries to
 * dispatch; nothing replies.
 */
public record StoreEvents(List<PlannedWebhook> webhooks) {

  public StoreEvents {
    webhooks = List.copyOf(webhooks);
  }
}
