package io.switchboard.delivery;

import io.switchboard.api.Bus;
import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.ClassifiedWebhooks;
import io.switchboard.api.PlannedWebhook;
import io.switchboard.api.StoreEvents;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans deliveries: matches each classified batch against the active subscriptions and hands events and
 * deliveries to storage in one message. Storage sends the committed deliveries on to dispatch.
 */
public final class PlannerVerticle extends VerticleBase {

  private SubscriptionMatcher matcher = new SubscriptionMatcher(List.of());

  @Override
  public Future<?> start() {
    return ActiveSubscriptions.follow(vertx, subscriptions -> matcher = new SubscriptionMatcher(subscriptions))
        .compose(v -> vertx.eventBus().<ClassifiedWebhooks>consumer(Bus.WEBHOOKS_CLASSIFIED, m -> plan(m.body()))
            .completion());
  }

  private void plan(ClassifiedWebhooks classified) {
    List<PlannedWebhook> planned = new ArrayList<>(classified.webhooks().size());
    for (ClassifiedWebhook webhook : classified.webhooks()) {
      planned.add(new PlannedWebhook(webhook, matcher.plan(webhook)));
    }
    vertx.eventBus().send(Bus.STORE_EVENTS, new StoreEvents(planned));
  }
}
