package io.switchboard.delivery;

import io.switchboard.api.Bus;
import io.switchboard.api.StoredSubscription;
import io.switchboard.api.SubscriptionSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Consumer;

/**
 * The stored subscriptions as storage last published them. Each delivery verticle follows them on its own
 * context: read once at start, then replaced whole by every {@link Bus#SUBSCRIPTIONS_CHANGED}.
 */
final class ActiveSubscriptions {

  private ActiveSubscriptions() {}

  /** Completes once the first set has been handed to {@code use}; the consumer is registered before the read. */
  static Future<Void> follow(Vertx vertx, Consumer<List<StoredSubscription>> use) {
    vertx.eventBus().<SubscriptionSet>consumer(Bus.SUBSCRIPTIONS_CHANGED, m -> use.accept(m.body().subscriptions()));
    return vertx.eventBus().<SubscriptionSet>request(Bus.LIST_SUBSCRIPTIONS, null)
        .map(reply -> {
          use.accept(reply.body().subscriptions());
          return null;
        });
  }
}
