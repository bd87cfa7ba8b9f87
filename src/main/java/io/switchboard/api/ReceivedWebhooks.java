package io.switchboard.api;

import java.util.List;

/**
 * Committed inbound bodies waiting to be classified: one message for those committed within a few
 * milliseconds (or a recovery sweep's batch), so the hops after the commit cost a message per group, not per
 * webhook. {@code handOff} numbers intake's groups 0, 1, 2, … in commit order, so the planner can put back in
 * order what parser instances classified side by side; -1 (a recovery batch) waits for no other.
 */
public record ReceivedWebhooks(List<WebhookReceived> webhooks, long handOff) {

  public ReceivedWebhooks {
    webhooks = List.copyOf(webhooks);
  }

  /** A batch out of intake's order (the recovery sweep's). */
  public ReceivedWebhooks(List<WebhookReceived> webhooks) {
    this(webhooks, -1);
  }
}
