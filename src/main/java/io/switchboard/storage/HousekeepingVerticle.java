package io.switchboard.storage;

import io.switchboard.api.Bus;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Housekeeping: the retention purge (hourly, and on request) and the pending-deliveries gauge. */
final class HousekeepingVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HousekeepingVerticle.class);
  private static final long PENDING_REFRESH_MILLIS = 5_000;
  /** The count may take at most one part in this many of the time: a deep backlog is counted less often. */
  private static final long PENDING_COST_SHARE = 20;
  /** However slow the count, the gauge is refreshed at least this often. */
  private static final long PENDING_REFRESH_MAX_MILLIS = 5 * 60_000;
  /** A count still running after this long is given up on (and the next one put off as far as it goes). */
  private static final long PENDING_COUNT_TIMEOUT_MILLIS = 60_000;
  private static final long RETENTION_INTERVAL_MS = 60 * 60 * 1000;

  private final PgConnectOptions options;
  private final SwitchboardConfig.Storage config;
  private final Meters meters;
  private final AtomicLong pendingDeliveries = new AtomicLong();
  private Pool pool;
  private boolean stopping;
  /** When the next count starts ({@link System#nanoTime}), on a grid of whole refresh periods. */
  private long nextCountAt;

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
    nextCountAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PENDING_REFRESH_MILLIS / 2);
    scheduleCount();
    vertx.setPeriodic(RETENTION_INTERVAL_MS, id -> purgeExpired());
    vertx.eventBus().<Void>consumer(Bus.PURGE_EXPIRED, m -> Replies.answer(m, v -> purgeExpired()));
    purgeExpired();
    return Future.succeededFuture();
  }

  /**
   * The count reads every pending delivery's index entry, so its cost grows with the backlog, which a subscriber
   * down for hours makes long. The next count waits in proportion to how long this one took. Postgres being down
   * is not slowness: the next count is then due one period later, as usual.
   */
  private void countPending() {
    long started = System.nanoTime();
    DeliverySql.countPending(pool)
        .timeout(PENDING_COUNT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .onSuccess(pendingDeliveries::set)
        // The storage watch reports Postgres being down; the gauge keeps its last count meanwhile.
        .onFailure(e -> LOG.debug("pending deliveries not counted: {}", e.getMessage()))
        .onComplete(done -> {
          if (stopping) {
            return;
          }
          long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          boolean slow = done.succeeded() || done.cause() instanceof TimeoutException;
          // Due times stay on the grid the first one set, half a period from the recovery sweep's: they follow
          // from each other, not from when a timer happened to fire.
          nextCountAt += TimeUnit.MILLISECONDS.toNanos(slow ? nextPendingRefresh(tookMillis) : PENDING_REFRESH_MILLIS);
          long periodNanos = TimeUnit.MILLISECONDS.toNanos(PENDING_REFRESH_MILLIS);
          long now = System.nanoTime();
          if (nextCountAt - now <= 0) { // a failure that took longer than a period
            nextCountAt += ((now - nextCountAt) / periodNanos + 1) * periodNanos;
          }
          scheduleCount();
        });
  }

  private void scheduleCount() {
    vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextCountAt - System.nanoTime())), id -> countPending());
  }

  /**
   * From one count's start to the next: 20 times as long as the count took, rounded up to whole periods of 5 s,
   * and at least one period, at most 5 minutes.
   */
  static long nextPendingRefresh(long lastCountMillis) {
    long wanted = lastCountMillis * PENDING_COST_SHARE;
    long periods = Math.max(1, (wanted + PENDING_REFRESH_MILLIS - 1) / PENDING_REFRESH_MILLIS);
    return Math.min(PENDING_REFRESH_MAX_MILLIS, periods * PENDING_REFRESH_MILLIS);
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
