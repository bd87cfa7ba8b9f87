package io.switchboard.storage;

import io.switchboard.api.Bus;
import io.switchboard.api.DeleteDeliveries;
import io.switchboard.api.FindDeliveries;
import io.switchboard.api.FindWebhooks;
import io.switchboard.api.Lookup;
import io.switchboard.api.ReplayDeliveries;
import io.switchboard.api.SummarizeDeliveries;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the management API's queries on the delivery log, events and inbound bodies, and readiness pings.
 * Retry and replay publish {@link Bus#DELIVERIES_DUE} after the commit, so dispatch acts on committed rows only.
 */
final class ManagementVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ManagementVerticle.class);

  private final PgConnectOptions options;
  private final SwitchboardConfig.Storage config;
  private EventBus bus;
  private Pool pool;

  ManagementVerticle(PgConnectOptions options, SwitchboardConfig.Storage config) {
    this.options = options;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    pool = Pools.durable(vertx, options, config.poolSize(), "management");
    bus.<FindDeliveries>consumer(Bus.FIND_DELIVERIES, m -> Replies.answer(m, q -> LogSql.findDeliveries(pool, q)));
    bus.<Lookup>consumer(Bus.GET_DELIVERY, m -> Replies.answer(m, q -> LogSql.getDelivery(pool, q.number())));
    bus.<Lookup>consumer(Bus.RETRY_DELIVERY, m -> Replies.answer(m, this::retry));
    bus.<ReplayDeliveries>consumer(Bus.REPLAY_DELIVERIES, m -> Replies.answer(m, this::replay));
    bus.<SummarizeDeliveries>consumer(Bus.SUMMARIZE_DELIVERIES, m -> Replies.answer(m, q -> StatsSql.summarize(pool, q)));
    bus.<DeleteDeliveries>consumer(Bus.DELETE_DELIVERIES, m -> Replies.answer(m, this::delete));
    bus.<Lookup>consumer(Bus.GET_EVENT, m -> Replies.answer(m, q -> EventSql.getEvent(pool, q.id())));
    bus.<Lookup>consumer(Bus.GET_WEBHOOK, m -> Replies.answer(m, q -> WebhookSql.getWebhook(pool, q.number())));
    bus.<FindWebhooks>consumer(Bus.FIND_WEBHOOKS, m -> Replies.answer(m, q -> WebhookSql.findWebhooks(pool, q)));
    bus.<ReplayDeliveries>consumer(Bus.COUNT_REPLAY, m -> Replies.answer(m, q -> LogSql.countReplay(pool, q)));
    bus.<Void>consumer(Bus.STORAGE_PING, m -> Replies.answer(m, v -> pool.query("SELECT 1").execute().mapEmpty()));
    return pool.query("SELECT 1").execute();
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

  @Override
  public Future<?> stop() {
    return Pools.close(pool);
  }
}
