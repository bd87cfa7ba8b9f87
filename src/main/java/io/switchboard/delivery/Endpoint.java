package io.switchboard.delivery;

import io.switchboard.api.DeliveryJob;
import io.switchboard.api.StoredSubscription;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * One subscription's delivery state on this instance: the leased jobs waiting in memory, what is on the
 * wire, its circuit and its rate. What it holds is bounded by how many it can send within their lease
 * ({@link #capacity()}), so a slow or dead endpoint leaves its backlog in Postgres rather than on the heap.
 */
final class Endpoint {

  /**
   * The most jobs one endpoint holds in memory, however fast it answers: two of storage's largest groups, so a
   * burst is sent from memory rather than handed back to Postgres and claimed again.
   */
  static final int MAX_HELD = 1024;

  /** A job leased to this instance, and the latest moment an attempt may start within its lease. */
  record Held(DeliveryJob job, long startByNanos) {}

  final StoredSubscription subscription;
  final WebhookSigner signer;
  final CircuitBreaker circuit;
  final RateLimiter rate;
  final ArrayDeque<Held> held = new ArrayDeque<>();
  private final long timeoutNanos;
  private double averageLatencyNanos;
  int inFlight;
  boolean claiming;
  boolean claimAgain;
  /** Postgres may hold due work for this endpoint beyond what was handed over (released, or a full claim). */
  boolean backlog = true;
  boolean wakeScheduled;
  boolean disabling;
  /** Replaced or removed by a subscription reload: finishes what is on the wire, starts nothing new. */
  boolean retired;
  /** The last answered attempt and the last failed one, for the console; null until there is one. */
  Instant lastSuccessAt;
  Instant lastFailureAt;

  Endpoint(StoredSubscription subscription, SwitchboardConfig.Delivery config, long nowNanos) {
    this.subscription = subscription;
    this.signer = new WebhookSigner(subscription.spec().secret(), subscription.previousSecret(),
        subscription.previousSecretUntil());
    this.circuit = new CircuitBreaker(config.circuitThreshold(), config.circuitCooldown(), config.circuitMaxCooldown());
    Integer perMinute = subscription.spec().ratePerMinute();
    this.rate = perMinute == null ? null : new RateLimiter(perMinute, nowNanos);
    this.timeoutNanos = subscription.spec().timeout().toNanos();
    this.averageLatencyNanos = timeoutNanos / 10.0;
  }

  /**
   * Long enough for every held job to wait its turn and then time out, plus a margin for recording the
   * attempt. It is also how long a crashed instance's leased work waits before another instance takes it.
   */
  static Duration lease(SwitchboardConfig.Subscription spec) {
    return spec.timeout().multipliedBy(3).plusSeconds(2);
  }

  long id() {
    return subscription.id();
  }

  String name() {
    return subscription.spec().name();
  }

  int maxConcurrency() {
    return subscription.spec().maxConcurrency();
  }

  /**
   * A job arriving now may start until its lease leaves room for a whole attempt (one timeout) and for its
   * record to commit: past that another instance may claim it, and it must not be sent twice.
   */
  Held hold(DeliveryJob job, long nowNanos) {
    return new Held(job, nowNanos + Duration.ofMillis(job.leaseMillis()).toNanos() - timeoutNanos
        - Duration.ofSeconds(2).toNanos());
  }

  boolean tooLate(Held job, long nowNanos) {
    return nowNanos > job.startByNanos();
  }

  /** Past its subscription's {@code expireAfter} since the event was received: not worth sending any more. */
  boolean expired(DeliveryJob job, Instant now) {
    Duration expireAfter = subscription.spec().expireAfter();
    return expireAfter != null && !now.isBefore(job.receivedAt().plus(expireAfter));
  }

  /**
   * How many jobs it may hold: as many as it can start well within one timeout at the latency it has shown
   * (a fast endpoint up to {@link #MAX_HELD}), and never fewer than two rounds of its concurrency.
   */
  int capacity() {
    double perTimeout = maxConcurrency() * (timeoutNanos / Math.max(1, averageLatencyNanos));
    return (int) Math.max(2L * maxConcurrency(), Math.min(MAX_HELD, (long) perTimeout));
  }

  void answeredIn(long latencyNanos) {
    averageLatencyNanos = 0.9 * averageLatencyNanos + 0.1 * latencyNanos;
  }

  /**
   * How many more jobs this endpoint may take now: none while its circuit is open, one probe when it is
   * half-open, and no more than the rate lets start now (a job must not wait out its lease in memory).
   */
  int room(long nowNanos) {
    if (retired || !circuit.allowsRequest(nowNanos)) {
      return 0;
    }
    int room = capacity() - inFlight - held.size();
    if (circuit.state() == CircuitBreaker.State.HALF_OPEN) {
      room = Math.min(room, 1 - inFlight - held.size());
    }
    return rate == null ? room : Math.min(room, rate.available(nowNanos) - held.size());
  }

  boolean canSend(long nowNanos) {
    return !retired && inFlight < maxConcurrency() && !held.isEmpty() && circuit.allowsRequest(nowNanos)
        && (rate == null || rate.available(nowNanos) >= 1);
  }

  /** What an operator sees of this endpoint: circuit state, in-flight and held counts, last success and failure. */
  JsonObject describe(long nowNanos) {
    // Read only: an open circuit past its cooldown turns half-open when the next send asks, not here.
    long openForNanos = circuit.state() == CircuitBreaker.State.OPEN ? Math.max(0, circuit.openUntilNanos() - nowNanos) : 0;
    CircuitBreaker.State state = circuit.state() == CircuitBreaker.State.OPEN && openForNanos == 0
        ? CircuitBreaker.State.HALF_OPEN : circuit.state();
    return new JsonObject().put("subscription", subscription.spec().name())
        .put("circuit", state.name().toLowerCase(Locale.ROOT))
        .put("open_for_ms", openForNanos / 1_000_000).put("failing_for_ms", circuit.failingFor(nowNanos).toMillis())
        .put("in_flight", inFlight).put("held", held.size())
        .put("last_success_at", lastSuccessAt == null ? null : lastSuccessAt.toString())
        .put("last_failure_at", lastFailureAt == null ? null : lastFailureAt.toString());
  }
}
