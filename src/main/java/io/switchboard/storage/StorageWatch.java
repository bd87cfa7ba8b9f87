package io.switchboard.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Postgres once a second: restarts the embedded server if its process died (the pools reconnect by
 * themselves), knows for how long Postgres has been unreachable, which is what liveness answers from, and warns
 * when this router's clock and Postgres's disagree.
 */
final class StorageWatch {

  private static final Logger LOG = LoggerFactory.getLogger(StorageWatch.class);
  /**
   * Time filters and retention find their rows by id (V10), which holds while the routers' clocks agree within ten
   * minutes; each is compared with Postgres's, and a minute apart is worth an operator's look.
   */
  private static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(1);

  private final Vertx vertx;
  private final PostgresServer server;
  private final Pool pool;
  private final Duration maxDowntime;
  private final Clock clock;
  private boolean clockWarned;
  private long downSinceNanos = -1;
  private boolean restarting;
  private boolean closing;
  private Future<Void> restart = Future.succeededFuture();

  StorageWatch(Vertx vertx, PostgresServer server, Pool pool, Duration maxDowntime, Clock clock) {
    this.vertx = vertx;
    this.server = server;
    this.pool = pool;
    this.maxDowntime = maxDowntime;
    this.clock = clock;
  }

  void check() {
    if (closing) {
      return;
    }
    if (server.isEmbedded() && !restarting) {
      // Reading postmaster.pid and asking the OS about its process is file I/O: off the event loop.
      vertx.executeBlocking(server::embeddedDied).onSuccess(died -> {
        if (died && !restarting && !closing) {
          restart();
        }
      });
    }
    Instant sent = clock.instant();
    pool.query("SELECT clock_timestamp() AS now").execute().timeout(2, TimeUnit.SECONDS).onComplete(done -> {
      if (done.succeeded()) {
        compareClocks(sent, done.result().iterator().next().getOffsetDateTime("now").toInstant());
        if (downSinceNanos >= 0) {
          LOG.info("postgres reachable again after {} s", (System.nanoTime() - downSinceNanos) / 1_000_000_000);
        }
        downSinceNanos = -1;
      } else if (downSinceNanos < 0) {
        downSinceNanos = System.nanoTime();
        LOG.warn("postgres unreachable: {}; /health/live fails if it stays so for {}", done.cause().getMessage(),
            maxDowntime);
      }
    });
  }

  /** Against the middle of the round trip: the query's own time is not skew. */
  private void compareClocks(Instant sent, Instant postgresNow) {
    Instant routerNow = sent.plus(Duration.between(sent, clock.instant()).dividedBy(2));
    Duration skew = Duration.between(routerNow, postgresNow);
    boolean off = skew.abs().compareTo(CLOCK_TOLERANCE) > 0;
    if (off && !clockWarned) {
      LOG.warn("this router's clock is {} s {} Postgres's: since/until filters and retention assume the routers' clocks"
          + " agree within ten minutes (docs/architecture.md); check NTP", skew.abs().toSeconds(),
          skew.isNegative() ? "ahead of" : "behind");
    } else if (!off && clockWarned) {
      LOG.info("this router's clock agrees with Postgres's again (within {} s)", CLOCK_TOLERANCE.toSeconds());
    }
    clockWarned = off;
  }

  private void restart() {
    restarting = true;
    LOG.error("embedded postgres is gone (killed or crashed); starting it again on the same data directory");
    // Starting postgres blocks (and replays its WAL): a worker thread.
    restart = vertx.<Void>executeBlocking(() -> {
      server.restartEmbedded();
      return null;
    }).onComplete(done -> {
      restarting = false;
      if (done.succeeded()) {
        LOG.info("embedded postgres restarted");
      } else {
        LOG.error("restarting embedded postgres failed; trying again in a second: {}", done.cause().getMessage());
      }
    });
  }

  /** Null while live; else why not: Postgres unreachable for longer than storage.maxDowntime. */
  String notLive() {
    if (downSinceNanos < 0) {
      return null;
    }
    Duration down = Duration.ofNanos(System.nanoTime() - downSinceNanos);
    return down.compareTo(maxDowntime) < 0 ? null
        : "postgres unreachable for " + down.toSeconds() + " s, longer than storage.maxDowntime (" + maxDowntime + ")";
  }

  /** Stops watching; completes once a restart under way (if any) is done, so the server it started is closed too. */
  Future<Void> close() {
    closing = true;
    return restart.transform(v -> Pools.close(pool));
  }
}
