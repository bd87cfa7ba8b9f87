package io.switchboard.storage;

import io.switchboard.api.Bus;
import io.switchboard.api.DeleteSubscription;
import io.switchboard.api.Lookup;
import io.switchboard.api.RotateSecret;
import io.switchboard.api.SaveSubscription;
import io.switchboard.api.StoredSubscription;
import io.switchboard.api.SubscriptionSet;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the subscription rows: syncs the config file's into Postgres (at start and when the file changes),
 * writes the API's, and publishes the whole stored set after every change. Another instance's changes reach
 * this one only through Postgres, so the table is re-read now and then and published when it differs.
 */
final class SubscriptionsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionsVerticle.class);
  private static final long REFRESH_MILLIS = 10_000;

  private final PgConnectOptions options;
  private final List<SwitchboardConfig.Subscription> configured;
  private Pool pool;
  private List<StoredSubscription> published = List.of();

  SubscriptionsVerticle(PgConnectOptions options, List<SwitchboardConfig.Subscription> configured) {
    this.options = options;
    this.configured = configured;
  }

  @Override
  public Future<?> start() {
    pool = Pools.durable(vertx, options, 2, "subscriptions");
    EventBus bus = vertx.eventBus();
    bus.<SubscriptionSet>consumer(Bus.CONFIG_SUBSCRIPTIONS_CHANGED, m -> syncConfig(m.body().subscriptions().stream()
        .map(StoredSubscription::spec).toList())
        .onSuccess(v -> LOG.info("config file subscriptions applied count={}", m.body().subscriptions().size()))
        .onFailure(e -> LOG.warn("applying the config file's subscriptions failed; keeping the stored set: {}",
            e.getMessage())));
    // The set last published, not a fresh read: a reply must never be older than a change notice sent before it.
    bus.<Void>consumer(Bus.LIST_SUBSCRIPTIONS, m -> m.reply(new SubscriptionSet(published)));
    bus.<Lookup>consumer(Bus.GET_SUBSCRIPTION,
        m -> Replies.answer(m, q -> SubscriptionSql.subscriptionById(pool, q.number())));
    bus.<SaveSubscription>consumer(Bus.SAVE_SUBSCRIPTION, m -> Replies.answer(m, this::save));
    bus.<RotateSecret>consumer(Bus.ROTATE_SECRET, m -> Replies.answer(m, rotation -> pool
        .withTransaction(c -> SubscriptionSql.rotateSecret(c, rotation)).compose(s -> publish().map(s))));
    bus.<DeleteSubscription>consumer(Bus.DELETE_SUBSCRIPTION, m -> Replies.answer(m, this::delete));
    bus.<Long>consumer(Bus.DISABLE_SUBSCRIPTION, m -> SubscriptionSql.disableSubscription(pool, m.body())
        .compose(v -> publish())
        .onFailure(e -> LOG.warn("disabling subscription id={} failed; delivery asks again: {}", m.body(),
            e.getMessage())));
    vertx.setPeriodic(REFRESH_MILLIS, id -> publishIfChanged());
    return syncConfig(configured);
  }

  private Future<Void> syncConfig(List<SwitchboardConfig.Subscription> specs) {
    return pool.withTransaction(c -> SubscriptionSql.syncConfigSubscriptions(c, specs)).compose(v -> publish());
  }

  private Future<StoredSubscription> save(SaveSubscription request) {
    Future<StoredSubscription> saved = request.id() == null
        ? SubscriptionSql.insertApiSubscription(pool, request.spec())
        : pool.withTransaction(c -> SubscriptionSql.updateApiSubscription(c, request.id(), request.spec()));
    return saved.compose(s -> publish().map(s));
  }

  private Future<Void> delete(DeleteSubscription request) {
    return pool.withTransaction(c -> SubscriptionSql.deleteApiSubscription(c, request.id(), request.purge()))
        .compose(v -> publish());
  }

  /**
   * Published before the caller is answered: delivery's consumers get the new set ahead of any webhook that
   * arrives after the API's answer, so that webhook is matched against it.
   */
  private Future<Void> publish() {
    return SubscriptionSql.allSubscriptions(pool).map(all -> {
      announce(all);
      return null;
    });
  }

  private void announce(List<StoredSubscription> all) {
    published = all;
    vertx.eventBus().publish(Bus.SUBSCRIPTIONS_CHANGED, new SubscriptionSet(all));
  }

  private void publishIfChanged() {
    SubscriptionSql.allSubscriptions(pool).onSuccess(all -> {
      if (!all.equals(published)) {
        LOG.info("subscriptions changed in storage (another instance); publishing count={}", all.size());
        announce(all);
      }
    });
  }

  @Override
  public Future<?> stop() {
    return Pools.close(pool);
  }
}
