package io.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard contract: every Switchboard meter, named {@code switchboard.<area>.<thing>} (Prometheus
 * shows {@code switchboard_ingress_requests_total}). Labels are bounded sets only: source and subscription
 * names, outcomes and event types, never message ids or phone numbers.
 */
public final class Meters {

  public static final String INGRESS_REQUESTS = "switchboard.ingress.requests";
  public static final String INGRESS_ACK = "switchboard.ingress.ack";
  public static final String EVENTS = "switchboard.events";
  public static final String DELIVERIES = "switchboard.deliveries";
  public static final String DELIVERY_ATTEMPT = "switchboard.delivery.attempt";
  public static final String DELIVERY_PENDING = "switchboard.delivery.pending";
  public static final String STORAGE_BATCH_SIZE = "switchboard.storage.batch.size";

  private final MeterRegistry registry;
  // Hot-path meters are looked up once and kept: registering on every request builds and compares a
  // Meter.Id each time, which showed up in the ingress profile (issue 7).
  private final Map<String, Counter> ingressRequests = new ConcurrentHashMap<>();
  private final Timer ingressAck;

  public Meters(MeterRegistry registry) {
    this.registry = registry;
    this.ingressAck = Timer.builder(INGRESS_ACK).description("Time from request to acknowledgement")
        .publishPercentileHistogram().register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Outcomes: accepted, unauthorized, invalid, too_large, unavailable, unknown_source. */
  public void ingressRequest(String source, String outcome) {
    ingressRequests.computeIfAbsent(source + '\u0000' + outcome, key -> Counter.builder(INGRESS_REQUESTS)
        .description("Webhook requests by source and outcome")
        .tag("source", source).tag("outcome", outcome).register(registry)).increment();
  }

  public void ingressAck(Duration elapsed) {
    ingressAck.record(elapsed);
  }

  public void event(String type) {
    Counter.builder(EVENTS).description("Normalized events by type").tag("type", type).register(registry).increment();
  }

  public void delivery(String subscription, String outcome) {
    Counter.builder(DELIVERIES).description("Delivery attempts by subscription and outcome")
        .tag("subscription", subscription).tag("outcome", outcome).register(registry).increment();
  }

  public void deliveryAttempt(Duration elapsed) {
    Timer.builder(DELIVERY_ATTEMPT).description("Latency of one delivery attempt")
        .publishPercentileHistogram().register(registry).record(elapsed);
  }

  public void storageBatch(String kind, int size) {
    DistributionSummary.builder(STORAGE_BATCH_SIZE).description("Rows per group commit")
        .tag("kind", kind).register(registry).record(size);
  }
}
