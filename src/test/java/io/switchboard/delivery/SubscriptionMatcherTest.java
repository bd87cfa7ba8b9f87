package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.NormalizedEvent;
import io.switchboard.api.PlannedDelivery;
import io.switchboard.api.StoredSubscription;
import io.switchboard.config.SwitchboardConfig.Format;
import io.switchboard.config.SwitchboardConfig.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SubscriptionMatcherTest {

  private static final Instant T = Instant.parse("2024-03-01T12:00:00Z");
  private static final long INBOUND = 42;

  private static final NormalizedEvent RECEIVED = event("evt_1", "message.received", "meta", "111");
  private static final NormalizedEvent FAILED = event("evt_2", "message.status.failed", "meta", "111");
  private static final NormalizedEvent TEMPLATE = event("evt_3", "template.status", "meta", "222");
  private static final NormalizedEvent D360_RECEIVED = event("evt_4", "message.received", "360dialog", "333");

  private static NormalizedEvent event(String id, String type, String source, String phoneNumberId) {
    return new NormalizedEvent(id, type, source, T, T, "waba_1", phoneNumberId, "+15550000000", INBOUND, null, null, "{}");
  }

  private static ClassifiedWebhook webhook(NormalizedEvent... events) {
    return new ClassifiedWebhook(INBOUND, "meta", List.of(events), List.of(), RAW_BODY);
  }

  private static StoredSubscription sub(long id, List<String> events, String source, String phoneNumberId,
      Format format, boolean enabled) {
    return new StoredSubscription(id, "config", new Subscription("sub" + id, "https://example.com/" + id, events,
        source, phoneNumberId, "secret", format, Map.of(), Duration.ofSeconds(30), List.of(Duration.ofSeconds(5)),
        10, null, enabled));
  }

  private static StoredSubscription sub(long id, String... events) {
    return sub(id, List.of(events), null, null, Format.NORMALIZED, true);
  }

  private static final byte[] RAW_BODY = "{\"object\":\"whatsapp_business_account\"}".getBytes(StandardCharsets.UTF_8);

  private static String planned(long subscriptionId, NormalizedEvent e) {
    return planned(subscriptionId, e.id(), e.type(), e.phoneNumberId());
  }

  /** What a delivery is owed, as text: the records hold byte arrays, which compare by identity. */
  private static String planned(long subscriptionId, String messageId, String type, String phoneNumberId) {
    return subscriptionId + " " + messageId + " " + type + " " + phoneNumberId;
  }

  private static List<String> plan(SubscriptionMatcher matcher, ClassifiedWebhook webhook) {
    return matcher.plan(webhook).stream()
        .map(d -> planned(d.subscriptionId(), d.messageId(), d.eventType(), d.phoneNumberId())).toList();
  }

  // ---------------------------------------------------------------- plan

  @Test
  @DisplayName("Each subscription gets the events its globs match, in body order")
  void twoSubscriptionsDifferentGlobs() {
    SubscriptionMatcher matcher = new SubscriptionMatcher(List.of(sub(1, "message.*"), sub(2, "template.*")));

    assertEquals(List.of(planned(1, RECEIVED), planned(1, FAILED), planned(2, TEMPLATE)),
        plan(matcher, webhook(RECEIVED, TEMPLATE, FAILED)));
  }

  @Test
  @DisplayName("An event matched by several globs of one subscription is planned once")
  void overlappingGlobsPlanOnce() {
    SubscriptionMatcher matcher = new SubscriptionMatcher(List.of(sub(1, "message.*", "*", "message.received")));

    assertEquals(List.of(planned(1, RECEIVED)), plan(matcher, webhook(RECEIVED)));
  }

  @Test
  @DisplayName("The source filter keeps only that source's events")
  void sourceFilter() {
    SubscriptionMatcher matcher = new SubscriptionMatcher(List.of(
        sub(1, List.of("*"), "360dialog", null, Format.NORMALIZED, true),
        sub(2, List.of("*"), "meta", null, Format.NORMALIZED, true)));

    assertEquals(List.of(planned(1, D360_RECEIVED), planned(2, RECEIVED)),
        plan(matcher, webhook(RECEIVED, D360_RECEIVED)));
  }

  @Test
  @DisplayName("The phoneNumberId filter keeps only that number's events")
  void phoneNumberFilter() {
    SubscriptionMatcher matcher = new SubscriptionMatcher(List.of(
        sub(1, List.of("*"), null, "222", Format.NORMALIZED, true),
        sub(2, List.of("message.*"), "meta", "111", Format.NORMALIZED, true)));

    assertEquals(List.of(planned(1, TEMPLATE), planned(2, RECEIVED), planned(2, FAILED)),
        plan(matcher, webhook(RECEIVED, FAILED, TEMPLATE, D360_RECEIVED)));
  }

  @Test
  @DisplayName("A disabled subscription is owed nothing")
  void disabled() {
    SubscriptionMatcher matcher = new SubscriptionMatcher(List.of(
        sub(1, List.of("*"), null, null, Format.NORMALIZED, false),
        sub(2, List.of("*"), null, null, Format.RAW, false),
        sub(3, "template.status")));

    assertEquals(List.of(planned(3, TEMPLATE)), plan(matcher, webhook(RECEIVED, TEMPLATE)));
  }

  @Test
  @DisplayName("A raw subscription is owed the inbound body once when any event matches")
  void rawOncePerInbound() {
    SubscriptionMatcher matcher = new SubscriptionMatcher(List.of(
        sub(7, List.of("message.*"), null, null, Format.RAW, true)));

    assertEquals(List.of(planned(7, "raw_42", "raw", "111")),
        plan(matcher, webhook(TEMPLATE, RECEIVED, FAILED)));
  }

  @Test
  @DisplayName("A raw subscription is owed nothing when no event matches")
  void rawNothingMatches() {
    SubscriptionMatcher matcher = new SubscriptionMatcher(List.of(
        sub(7, List.of("message.*"), null, null, Format.RAW, true),
        sub(8, List.of("*"), "360dialog", null, Format.RAW, true)));

    assertEquals(List.of(), plan(matcher, webhook(TEMPLATE)));
    assertEquals(List.of(), plan(matcher, webhook()));
  }

  @Test
  @DisplayName("Raw and normalized subscriptions are planned side by side")
  void rawAndNormalized() {
    SubscriptionMatcher matcher = new SubscriptionMatcher(List.of(
        sub(1, "*"), sub(2, List.of("*"), null, null, Format.RAW, true)));

    assertEquals(List.of(planned(1, RECEIVED), planned(1, TEMPLATE), planned(2, "raw_42", "raw", "111")),
        plan(matcher, webhook(RECEIVED, TEMPLATE)));
  }

  @Test
  @DisplayName("No subscriptions, no deliveries")
  void noSubscriptions() {
    assertEquals(List.of(), plan(new SubscriptionMatcher(List.of()), webhook(RECEIVED)));
  }

  @Test
  @DisplayName("A delivery carries what will be POSTed: the event's JSON, or the raw body for a raw subscription")
  void bodiesRideAlong() {
    SubscriptionMatcher matcher = new SubscriptionMatcher(List.of(
        sub(1, "*"), sub(2, List.of("*"), null, null, Format.RAW, true)));

    List<PlannedDelivery> planned = matcher.plan(webhook(RECEIVED));

    assertEquals("{}", new String(planned.get(0).body(), StandardCharsets.UTF_8));
    assertSame(RAW_BODY, planned.get(1).body());
    assertEquals(Duration.ofSeconds(92), planned.get(0).lease());
  }

  @Test
  @DisplayName("contactKey keeps only the events of that person; events naming nobody do not match it")
  void contactKey() {
    NormalizedEvent alice = new NormalizedEvent("evt_a", "message.received", "meta", T, T, "waba_1", "111", "+1", INBOUND,
        "US.1", null, "{}");
    NormalizedEvent bob = new NormalizedEvent("evt_b", "message.received", "meta", T, T, "waba_1", "111", "+1", INBOUND,
        "US.2", null, "{}");
    Subscription spec = new Subscription("sub9", "https://example.com/9", List.of("*"), null, null, "secret",
        Format.NORMALIZED, Map.of(), Duration.ofSeconds(30), List.of(Duration.ofSeconds(5)), 10, null, true, null, "US.1");
    SubscriptionMatcher matcher = new SubscriptionMatcher(List.of(new StoredSubscription(9, "config", spec)));

    assertEquals(List.of(planned(9, alice)), plan(matcher, webhook(alice, bob, TEMPLATE)));
  }
}
