package io.switchboard.storage;

import io.switchboard.api.Bus;
import io.switchboard.api.DeleteDeliveries;
import io.switchboard.api.FindDeliveries;
import io.switchboard.api.Lookup;
import io.switchboard.api.ReplayDeliveries;
import io.switchboard.api.SaveSubscription;
import io.switchboard.api.SubscriptionSet;
import io.switchboard.api.SummarizeDeliveries;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the management API's storage requests. Writes publish their fact after the commit
 * ({@link Bus#SUBSCRIPTIONS_CHANGED}, {@link Bus#DELIVERIES_DUE}) so delivery acts on committed rows only.
 */
final class ManagementQueries {

  private static final Logger LOG = LoggerFactory.getLogger(ManagementQueries.class);

  private final EventBus bus;
  private final Pool pool;

  ManagementQueries(EventBus bus, Pool pool) {
    this.bus = bus;
    this.pool = pool;
  }

  void register() {
    bus.<FindDeliveries>consumer(Bus.FIND_DELIVERIES, m -> Replies.answer(m, q -> LogSql.findDeliveries(pool, q)));
    bus.<Lookup>consumer(Bus.GET_DELIVERY, m -> Replies.answer(m, q -> LogSql.getDelivery(pool, q.number())));
    bus.<Lookup>consumer(Bus.RETRY_DELIVERY, m -> Replies.answer(m, this::retry));
    bus.<ReplayDeliveries>consumer(Bus.REPLAY_DELIVERIES, m -> Replies.answer(m, this::replay));
    bus.<SummarizeDeliveries>consumer(Bus.SUMMARIZE_DELIVERIES, m -> Replies.answer(m, q -> StatsSql.summarize(pool, q)));
    bus.<DeleteDeliveries>consumer(Bus.DELETE_DELIVERIES, m -> Replies.answer(m, this::delete));
    bus.<Lookup>consumer(Bus.GET_EVENT, m -> Replies.answer(m, q -> EventSql.getEvent(pool, q.id())));
    bus.<Lookup>consumer(Bus.GET_WEBHOOK, m -> Replies.answer(m, q -> WebhookSql.getWebhook(pool, q.number())));
    bus.<Void>consumer(Bus.LIST_SUBSCRIPTIONS,
        m -> Replies.answer(m, v -> SubscriptionSql.allSubscriptions(pool).map(SubscriptionSet::new)));
    bus.<Lookup>consumer(Bus.GET_SUBSCRIPTION,
        m -> Replies.answer(m, q -> SubscriptionSql.subscriptionById(pool, q.number())));
    bus.<SaveSubscription>consumer(Bus.SAVE_SUBSCRIPTION, m -> Replies.answer(m, this::save));
    bus.<Lookup>consumer(Bus.DELETE_SUBSCRIPTION, m -> Replies.answer(m, this::deleteSubscription));
  }

  private Future<Object> retry(Lookup delivery) {
    return LogSql.retryDelivery(pool, delivery.number()).map(json -> {
      LOG.info("delivery retried by operator deliveryId={}", delivery.id());
      bus.publish(Bus.DELIVERIES_DUE, null);
      return json;
    });
  }

  private Future<Integer> replay(ReplayDeliveries replay) {
    return LogSql.replayDeliveries(pool, replay).map(queued -> {
      LOG.info("deliveries replayed by operator status={} since={} until={} subscription={} queued={}",
          replay.status(), replay.since(), replay.until(), replay.subscription(), queued);
      if (queued > 0) {
        bus.publish(Bus.DELIVERIES_DUE, null);
      }
      return queued;
    });
  }

  private Future<Integer> delete(DeleteDeliveries request) {
    return LogSql.deleteDeliveries(pool, request).map(deleted -> {
      LOG.info("deliveries deleted by operator phoneNumberId={} olderThanDays={} deleted={}",
          request.phoneNumberId(), request.olderThanDays(), deleted);
      return deleted;
    });
  }

  private Future<Object> save(SaveSubscription request) {
    Future<?> saved = request.id() == null
        ? SubscriptionSql.insertApiSubscription(pool, request.spec())
        : pool.withTransaction(c -> SubscriptionSql.updateApiSubscription(c, request.id(), request.spec()));
    return saved.compose(this::changed);
  }

  private Future<Object> deleteSubscription(Lookup subscription) {
    return pool.withTransaction(c -> SubscriptionSql.deleteApiSubscription(c, subscription.number()))
        .compose(this::changed);
  }

  /**
   * Answers only once delivery on this instance uses the new set, so a webhook received after the API
   * call is matched against it. Other instances pick the change up from Postgres within seconds.
   */
  private <T> Future<T> changed(T result) {
    return bus.request(Bus.SUBSCRIPTIONS_CHANGED, null)
        .map(applied -> result)
        .recover(e -> {
          LOG.warn("delivery did not confirm the subscription reload; it catches up on its next refresh: {}",
              e.getMessage());
          return Future.succeededFuture(result);
        });
  }
}
