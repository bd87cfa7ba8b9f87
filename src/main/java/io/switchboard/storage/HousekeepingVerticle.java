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
  /** The count may take at most one part in this many of the time: a deep backlog is counted less often. */
  private static final long PENDING_COST_SHARE = 20;
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
    vertx.setTimer(PENDING_REFRESH_MILLIS / 2, id -> refreshPending());
    vertx.setPeriodic(RETENTION_INTERVAL_MS, id -> purgeExpired());
    vertx.eventBus().<Void>consumer(Bus.PURGE_EXPIRED, m -> Replies.answer(m, v -> purgeExpired()));
    purgeExpired();
    return Future.succeededFuture();
  }

  /**
   * The count reads every pending delivery's index entry, so its cost grows with the backlog: a subscriber down
   * for hours leaves millions. The next count waits in proportion to how long this one took.
   */
  private void refreshPending() {
    long started = System.nanoTime();
    DeliverySql.countPending(pool)
        .onSuccess(pendingDeliveries::set)
        // Postgres being down is reported by the storage watch; the gauge keeps its last count meanwhile.
        .onFailure(e -> LOG.debug("pending deliveries not counted: {}", e.getMessage()))
        .onComplete(done -> {
          if (!stopping) {
            // From this count's start, so a quick count keeps the 5 s cadence and its offset from the sweep.
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            vertx.setTimer(Math.max(1, nextPendingRefresh(tookMillis) - tookMillis), id -> refreshPending());
          }
        });
  }

  /** From one count's start to the next: 5 s, or 20 times as long as the count took, whichever is longer. */
  static long nextPendingRefresh(long lastCountMillis) {
    return Math.max(PENDING_REFRESH_MILLIS, lastCountMillis * PENDING_COST_SHARE);
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
