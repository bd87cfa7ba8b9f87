package io.switchboard.delivery;

import io.switchboard.api.AttemptRecord;
import io.switchboard.api.AttemptRecords;
import io.switchboard.api.Bus;
import io.switchboard.api.FinishedAttempt;
import io.switchboard.api.FinishedAttempts;
import io.switchboard.api.StoredSubscription;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Attempt outcomes: decides what each finished attempt makes of its delivery (succeeded, retry on the
 * subscription's schedule, or failed), counts it, and hands the batch to storage.
 */
public final class OutcomesVerticle extends VerticleBase {

  private final SwitchboardConfig.Delivery config;
  private final Meters meters;
  private final AttemptOutcomes outcomes;
  private Map<Long, StoredSubscription> subscriptions = Map.of();

  public OutcomesVerticle(SwitchboardConfig.Delivery config, Meters meters) {
    this.config = config;
    this.meters = meters;
    this.outcomes = new AttemptOutcomes(new RetryPolicy(config.jitter(), () -> ThreadLocalRandom.current().nextDouble()));
  }

  @Override
  public Future<?> start() {
    return ActiveSubscriptions.follow(vertx, this::useSubscriptions)
        .compose(v -> vertx.eventBus().<FinishedAttempts>consumer(Bus.ATTEMPTS_FINISHED, m -> record(m.body()))
            .completion());
  }

  private void useSubscriptions(List<StoredSubscription> all) {
    Map<Long, StoredSubscription> byId = new HashMap<>();
    all.forEach(s -> byId.put(s.id(), s));
    subscriptions = byId;
  }

  private void record(FinishedAttempts finished) {
    List<AttemptRecord> records = finished.attempts().stream().map(this::outcome).toList();
    vertx.eventBus().send(Bus.RECORD_ATTEMPTS, new AttemptRecords(records));
  }

  /** A subscription deleted while its attempt was on the wire keeps the defaults' schedule for the record. */
  private AttemptRecord outcome(FinishedAttempt attempt) {
    StoredSubscription subscription = subscriptions.get(attempt.job().subscriptionId());
    String name = subscription == null ? "#" + attempt.job().subscriptionId() : subscription.spec().name();
    AttemptRecord record = outcomes.decide(attempt, name,
        subscription == null ? config.schedule() : subscription.spec().schedule(),
        subscription == null ? null : subscription.spec().expireAfter(),
        subscription == null || !subscription.spec().sequenced() ? null : subscription.spec().orderingHoldLimit());
    meters.delivery(name, record.outcome().name().toLowerCase(java.util.Locale.ROOT));
    meters.deliveryAttempt(java.time.Duration.ofMillis(attempt.latencyMillis()));
    return record;
  }
}
