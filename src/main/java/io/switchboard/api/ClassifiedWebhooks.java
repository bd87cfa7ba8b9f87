package io.switchboard.api;

import java.util.List;

/** What the parser made of one {@link ReceivedWebhooks} message, in the same order, with its {@code handOff}. */
public record ClassifiedWebhooks(List<ClassifiedWebhook> webhooks, long handOff) {

  public ClassifiedWebhooks {
    webhooks = List.copyOf(webhooks);
  }
}
