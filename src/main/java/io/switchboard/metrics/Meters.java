package io.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
  // Hot-path meters are looked up once per label set: building a Meter.Id on every request costs more
  // than the increment itself. Label sets are bounded (sources, outcomes, types, subscriptions).
  private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
  private final Timer ingressAck;
  private final Timer deliveryAttempt;

  public Meters(MeterRegistry registry) {
    this.registry = registry;
    this.ingressAck = Timer.builder(INGRESS_ACK).description("Time from request to acknowledgement")
        .publishPercentileHistogram().register(registry);
    this.deliveryAttempt = Timer.builder(DELIVERY_ATTEMPT).description("Latency of one delivery attempt")
        .publishPercentileHistogram().register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter, Switchboard's, the JVM's and Vert.x's. */
  public String scrape() {
    return registry instanceof PrometheusMeterRegistry prometheus ? prometheus.scrape() : "";
  }

  /**
   * Outcomes: accepted, unauthorized, invalid, too_large, unavailable, unknown_source, verification_failed,
   * and rate_limited (429: past the source's per-address {@code rateLimit}).
   */
  public void ingressRequest(String source, String outcome) {
    counter(INGRESS_REQUESTS, "Webhook requests by source and outcome", "source", source, "outcome", outcome).increment();
  }

  public void ingressAck(Duration elapsed) {
    ingressAck.record(elapsed);
  }

  public void event(String type) {
    counter(EVENTS, "Normalized events by type", "type", type).increment();
  }

  public void delivery(String subscription, String outcome) {
    counter(DELIVERIES, "Delivery attempts by subscription and outcome", "subscription", subscription,
        "outcome", outcome).increment();
  }

  public void deliveryAttempt(Duration elapsed) {
    deliveryAttempt.record(elapsed);
  }

  /** A counter's name and tag values: hashed from the strings' cached hashes, where a joined key was a new string. */
  private record Key(String name, String first, String second) {}

  /** One or two tags (key, value pairs), as every counter here has. */
  private Counter counter(String name, String description, String... tags) {
    Key key = new Key(name, tags[1], tags.length > 3 ? tags[3] : null);
    return counters.computeIfAbsent(key,
        k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  /** Deliveries waiting in Postgres (pending, including those being retried). */
  public void deliveryPending(java.util.function.Supplier<Number> pending) {
    Gauge.builder(DELIVERY_PENDING, pending).description("Deliveries not yet succeeded or failed")
        .register(registry);
  }

  /**
   * Running totals for the console's live charts, which turn two of them into rates: accepted webhooks,
   * finished attempts (and how many succeeded), the pending gauge, and the attempt-latency histogram
   * (cumulative counts at each bucket's upper bound, in milliseconds).
   */
  public record Totals(double accepted, double attempts, double succeeded, double pending,
      double[] latencyBoundsMillis, double[] latencyCounts) {}

  public Totals totals() {
    double accepted = registry.find(INGRESS_REQUESTS).tag("outcome", "accepted").counters().stream()
        .mapToDouble(Counter::count).sum();
    double attempts = registry.find(DELIVERIES).counters().stream().mapToDouble(Counter::count).sum();
    double succeeded = registry.find(DELIVERIES).tag("outcome", "succeeded").counters().stream()
        .mapToDouble(Counter::count).sum();
    Gauge pending = registry.find(DELIVERY_PENDING).gauge();
    var buckets = deliveryAttempt.takeSnapshot().histogramCounts();
    double[] bounds = new double[buckets.length];
    double[] counts = new double[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      bounds[i] = buckets[i].bucket(java.util.concurrent.TimeUnit.MILLISECONDS);
      counts[i] = buckets[i].count();
    }
    return new Totals(accepted, attempts, succeeded, pending == null ? 0 : pending.value(), bounds, counts);
  }

  public void storageBatch(String kind, int size) {
    DistributionSummary.builder(STORAGE_BATCH_SIZE).description("Rows per group commit")
        .tag("kind", kind).register(registry).record(size);
  }
}
