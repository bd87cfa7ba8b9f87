package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.support.Await;
import io.switchboard.support.LogCapture;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Storage watch: router clock against Postgres's")
class StorageClockTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** The system clock, moved by whatever offset the test sets. */
  private static final class MovedClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** One connection answers in order: once this query is answered, the check before it has been. */
  private static void settled(Pool pool) {
    Await.result(pool.query("SELECT 1").execute());
  }

  @Test
  @DisplayName("a router clock minutes off is warned about once, with the skew, and its return is logged")
  void warnsWhenClocksDisagree(Vertx vertx) {
    SwitchboardConfig config = ConfigLoader.fromTree(TestRouter.baseConfig(), Map.of());
    PostgresServer server = PostgresServer.open(config.storage());
    Pool pool = Pools.durable(vertx, server.connectOptions(), 1, "watch-test");
    MovedClock clock = new MovedClock();
    StorageWatch watch = new StorageWatch(vertx, server, pool, Duration.ofMinutes(1), clock);
    try (LogCapture logs = new LogCapture()) {
      watch.check(); // in sync: nothing to say
      settled(pool);
      clock.offset = Duration.ofMinutes(-5);
      watch.check();
      Await.until("the warning", WAIT, () -> logs.text().contains("s behind Postgres's"));
      assertTrue(logs.text().matches("(?s).*clock is (299|300) s behind Postgres's.*"), logs.text());
      assertFalse(logs.text().contains("agrees"), "an in-sync clock before it was not logged");
      watch.check(); // still off: no second warning
      settled(pool);
      clock.offset = Duration.ZERO;
      watch.check();
      Await.until("the clock back", WAIT, () -> logs.text().contains("agrees with Postgres's again"));
      assertTrue(logs.text().split("behind Postgres's", -1).length == 2, "warned once: " + logs.text());
    } finally {
      Await.result(watch.close());
    }
  }
}
