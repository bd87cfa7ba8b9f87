package io.switchboard.api;

import java.util.List;

/**
 * Committed inbound bodies waiting to be classified: one message for those committed within a few
 * milliseconds (or a recovery sweep's batch), so the hops after the commit cost a message per group, not per
 * webhook.
 */
public record ReceivedWebhooks(List<WebhookReceived> webhooks) {

  public ReceivedWebhooks {
    webhooks = List.copyOf(webhooks);
  }
}
