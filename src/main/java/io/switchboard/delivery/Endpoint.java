package io.switchboard.delivery;

import io.switchboard.api.DeliveryJob;
import io.switchboard.api.StoredSubscription;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One subscription's delivery state on this instance: what is leased and waiting, what is on the wire.
 * At most {@code 2 × maxConcurrency} jobs are held, so a slow or dead endpoint leaves its backlog in
 * Postgres rather than on the heap.
 */
final class Endpoint {

  final StoredSubscription subscription;
  final WebhookSigner signer;
  final ArrayDeque<DeliveryJob> leased = new ArrayDeque<>();
  int inFlight;
  boolean claiming;
  boolean claimAgain;

  Endpoint(StoredSubscription subscription) {
    this.subscription = subscription;
    this.signer = new WebhookSigner(subscription.spec().secret());
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

  /** How many more jobs this endpoint may lease now. */
  int room() {
    return 2 * maxConcurrency() - inFlight - leased.size();
  }

  /**
   * Long enough for every held job to wait its turn and then time out, plus a margin for recording the
   * attempt. It is also how long a crashed instance's leased work waits before another instance takes it.
   */
  Duration lease() {
    return subscription.spec().timeout().multipliedBy(3).plusSeconds(2);
  }

  boolean canSend() {
    return inFlight < maxConcurrency() && !leased.isEmpty();
  }
}
