package io.switchboard.delivery;

import io.switchboard.api.DeliveryJob;
import io.switchboard.api.StoredSubscription;
import io.switchboard.config.SwitchboardConfig;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One subscription's delivery state on this instance: what is leased and waiting, what is on the wire,
 * its circuit and its rate. At most {@code 2 × maxConcurrency} jobs are held, so a slow or dead endpoint
 * leaves its backlog in Postgres rather than on the heap.
 */
final class Endpoint {

  final StoredSubscription subscription;
  final WebhookSigner signer;
  final CircuitBreaker circuit;
  final RateLimiter rate;
  final ArrayDeque<DeliveryJob> leased = new ArrayDeque<>();
  int inFlight;
  boolean claiming;
  boolean claimAgain;
  boolean wakeScheduled;
  boolean disabling;
  /** Replaced or removed by a subscription reload: finishes what is on the wire, starts nothing new. */
  boolean retired;

  Endpoint(StoredSubscription subscription, SwitchboardConfig.Delivery config, long nowNanos) {
    this.subscription = subscription;
    this.signer = new WebhookSigner(subscription.spec().secret());
    this.circuit = new CircuitBreaker(config.circuitThreshold(), config.circuitCooldown(), config.circuitMaxCooldown());
    Integer perMinute = subscription.spec().ratePerMinute();
    this.rate = perMinute == null ? null : new RateLimiter(perMinute, nowNanos);
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
   * How many more jobs this endpoint may lease now: none while its circuit is open, one probe when it is
   * half-open, and no more than the rate lets start now (a job must not wait out its lease in memory).
   */
  int room(long nowNanos) {
    if (retired || !circuit.allowsRequest(nowNanos)) {
      return 0;
    }
    int room = 2 * maxConcurrency() - inFlight - leased.size();
    if (circuit.state() == CircuitBreaker.State.HALF_OPEN) {
      room = Math.min(room, 1 - inFlight - leased.size());
    }
    return rate == null ? room : Math.min(room, rate.available(nowNanos) - leased.size());
  }

  /**
   * Long enough for every held job to wait its turn and then time out, plus a margin for recording the
   * attempt. It is also how long a crashed instance's leased work waits before another instance takes it.
   */
  Duration lease() {
    return subscription.spec().timeout().multipliedBy(3).plusSeconds(2);
  }

  boolean canSend(long nowNanos) {
    return !retired && inFlight < maxConcurrency() && !leased.isEmpty() && circuit.allowsRequest(nowNanos)
        && (rate == null || rate.available(nowNanos) >= 1);
  }
}
