package io.switchboard.delivery;

import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.NormalizedEvent;
import io.switchboard.api.PlannedDelivery;
import io.switchboard.api.StoredSubscription;
import io.switchboard.config.SwitchboardConfig.Format;
import io.switchboard.config.SwitchboardConfig.Ordering;
import io.switchboard.config.SwitchboardConfig.StatusOrder;
import io.switchboard.config.SwitchboardConfig.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which subscriptions are owed what. Event globs use {@code *} for any run of characters, so
 * {@code message.*} takes {@code message.received} and {@code message.status.read} alike. A {@code raw}
 * subscription is owed the inbound body once if any of its events matches.
 */
final class SubscriptionMatcher {

  private record Compiled(StoredSubscription subscription, List<EventGlob> globs) {}

  private final List<Compiled> subscriptions;

  SubscriptionMatcher(List<StoredSubscription> subscriptions) {
    this.subscriptions = subscriptions.stream()
        .filter(s -> s.spec().enabled())
        .map(s -> new Compiled(s, s.spec().events().stream().map(EventGlob::of).toList()))
        .toList();
  }

  /** Each matched event's JSON is encoded once, however many subscriptions it goes to. */
  List<PlannedDelivery> plan(ClassifiedWebhook classified) {
    List<PlannedDelivery> planned = new ArrayList<>();
    List<NormalizedEvent> events = classified.events();
    byte[][] bodies = new byte[events.size()][];
    for (Compiled compiled : subscriptions) {
      Subscription spec = compiled.subscription().spec();
      long id = compiled.subscription().id();
      Duration lease = Endpoint.lease(spec);
      if (spec.format() == Format.RAW) {
        events.stream().filter(e -> matches(compiled, e)).findFirst().ifPresent(first -> planned.add(
            PlannedDelivery.raw(id, classified.inboundId(), first.phoneNumberId(), lease, first.receivedAt(),
                classified.body())));
        continue;
      }
      for (int i = 0; i < events.size(); i++) {
        NormalizedEvent e = events.get(i);
        if (matches(compiled, e)) {
          if (bodies[i] == null) {
            bodies[i] = e.json().getBytes(StandardCharsets.UTF_8);
          }
          int rank = spec.statusOrder() == StatusOrder.MONOTONIC && e.statusOf() != null ? statusRank(e.type()) : 0;
          planned.add(new PlannedDelivery(id, e.id(), e.type(), e.phoneNumberId(), lease, e.receivedAt(), bodies[i],
              sequenceKey(spec, e), i, rank > 0 ? e.statusOf() : null, rank));
        }
      }
    }
    return planned;
  }

  /**
   * The sequence an ordered subscription's event waits in: its contact's on that phone number, or for a status of a
   * monotonic one that names no contact, its message's. Null: it waits for nothing.
   */
  static String sequenceKey(Subscription spec, NormalizedEvent e) {
    if (spec.ordering() == Ordering.CONTACT && e.contactKey() != null) {
      return "contact " + e.phoneNumberId() + " " + e.contactKey();
    }
    if (spec.statusOrder() == StatusOrder.MONOTONIC && e.statusOf() != null) {
      return "status " + e.statusOf();
    }
    return null;
  }

  /** sent < delivered < read < played; any other status (failed, deleted, one Meta adds later) has no rank. */
  static int statusRank(String type) {
    return switch (type) {
      case "message.status.sent" -> 1;
      case "message.status.delivered" -> 2;
      case "message.status.read" -> 3;
      case "message.status.played" -> 4;
      default -> 0;
    };
  }

  private static boolean matches(Compiled compiled, NormalizedEvent event) {
    Subscription spec = compiled.subscription().spec();
    if (spec.source() != null && !spec.source().equals(event.source())) {
      return false;
    }
    if (spec.phoneNumberId() != null && !spec.phoneNumberId().equals(event.phoneNumberId())) {
      return false;
    }
    if (spec.contactKey() != null && !spec.contactKey().equals(event.contactKey())) {
      return false;
    }
    return compiled.globs().stream().anyMatch(g -> g.matches(event.type()));
  }
}
