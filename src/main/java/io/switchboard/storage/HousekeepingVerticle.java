package io.switchboard.storage;

import io.switchboard.api.Bus;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Housekeeping: the retention purge (hourly, and on request) and the pending-deliveries gauge. */
final class HousekeepingVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HousekeepingVerticle.class);
  private static final long PENDING_REFRESH_MILLIS = 5_000;
  private static final long RETENTION_INTERVAL_MS = 60 * 60 * 1000;

  private final PgConnectOptions options;
  private final SwitchboardConfig.Storage config;
  private final Meters meters;
  private final AtomicLong pendingDeliveries = new AtomicLong();
  private Pool pool;
  private boolean stopping;

  HousekeepingVerticle(PgConnectOptions options, SwitchboardConfig.Storage config, Meters meters) {
    this.options = options;
    this.config = config;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    pool = Pools.durable(vertx, options, 2, "housekeeping");
    // The gauge reads a number refreshed here, so a scrape never waits on Postgres.
    meters.deliveryPending(pendingDeliveries::get);
    // Half a period out of step with the recovery sweep (storage.recoveryInterval, 5 s by default): both read
    // many index entries on a busy router, and started together they stalled the intake for a moment.
    vertx.setPeriodic(PENDING_REFRESH_MILLIS / 2, PENDING_REFRESH_MILLIS,
        id -> DeliverySql.countPending(pool).onSuccess(pendingDeliveries::set));
    vertx.setPeriodic(RETENTION_INTERVAL_MS, id -> purgeExpired());
    vertx.eventBus().<Void>consumer(Bus.PURGE_EXPIRED, m -> Replies.answer(m, v -> purgeExpired()));
    purgeExpired();
    return Future.succeededFuture();
  }

  /** Rows older than storage.retentionDays go, in short slices (see RetentionSql). */
  private Future<JsonObject> purgeExpired() {
    return RetentionSql.purgeExpired(pool, config.retentionDays())
        .onSuccess(deleted -> LOG.info("retention purge done retentionDays={} deleted={}", config.retentionDays(), deleted))
        .onFailure(e -> {
          if (!stopping) { // a purge cut off by the pool closing at shutdown is not a failure
            LOG.warn("retention purge failed, next try in 1h: {}", e.getMessage());
          }
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return Pools.close(pool);
  }
}
