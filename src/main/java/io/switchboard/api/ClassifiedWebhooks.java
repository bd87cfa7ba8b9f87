package io.switchboard.api;

import java.util.List;

/** What the parser made of one {@link ReceivedWebhooks} message, in the same order. */
public record ClassifiedWebhooks(List<ClassifiedWebhook> webhooks) {

  public ClassifiedWebhooks {
    webhooks = List.copyOf(webhooks);
  }
}
