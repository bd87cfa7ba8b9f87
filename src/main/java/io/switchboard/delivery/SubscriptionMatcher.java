package io.switchboard.delivery;

import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.NormalizedEvent;
import io.switchboard.api.PlannedDelivery;
import io.switchboard.api.StoredSubscription;
import io.switchboard.config.SwitchboardConfig.Format;
import io.switchboard.config.SwitchboardConfig.Subscription;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which subscriptions are owed what. Event globs use {@code *} for any run of characters, so
 * {@code message.*} takes {@code message.received} and {@code message.status.read} alike. A {@code raw}
 * subscription is owed the inbound body once if any of its events matches.
 */
final class SubscriptionMatcher {

  static final String RAW_EVENT_TYPE = "raw";

  private record Compiled(StoredSubscription subscription, List<EventGlob> globs) {}

  private final List<Compiled> subscriptions;

  SubscriptionMatcher(List<StoredSubscription> subscriptions) {
    this.subscriptions = subscriptions.stream()
        .filter(s -> s.spec().enabled())
        .map(s -> new Compiled(s, s.spec().events().stream().map(EventGlob::of).toList()))
        .toList();
  }

  List<PlannedDelivery> plan(ClassifiedWebhook classified) {
    List<PlannedDelivery> planned = new ArrayList<>();
    for (Compiled compiled : subscriptions) {
      Subscription spec = compiled.subscription().spec();
      long id = compiled.subscription().id();
      List<NormalizedEvent> matching = classified.events().stream().filter(e -> matches(compiled, e)).toList();
      if (spec.format() == Format.RAW && !matching.isEmpty()) {
        planned.add(new PlannedDelivery(id, "raw_" + classified.inboundId(), RAW_EVENT_TYPE,
            matching.get(0).phoneNumberId()));
      } else if (spec.format() == Format.NORMALIZED) {
        matching.forEach(e -> planned.add(new PlannedDelivery(id, e.id(), e.type(), e.phoneNumberId())));
      }
    }
    return planned;
  }

  private static boolean matches(Compiled compiled, NormalizedEvent event) {
    Subscription spec = compiled.subscription().spec();
    if (spec.source() != null && !spec.source().equals(event.source())) {
      return false;
    }
    if (spec.phoneNumberId() != null && !spec.phoneNumberId().equals(event.phoneNumberId())) {
      return false;
    }
    return compiled.globs().stream().anyMatch(g -> g.matches(event.type()));
  }
}
