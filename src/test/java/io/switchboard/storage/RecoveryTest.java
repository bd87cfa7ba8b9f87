package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.Await;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The recovery sweep: an acknowledged body whose classification was lost (the process died between the
 * commit and the events) is found above the watermark and classified; the watermark then moves past it.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Recovery sweep")
class RecoveryTest {

  @Test
  @DisplayName("a committed but unclassified body is classified by the sweep, and the watermark moves past it")
  void classifiesLostBodies(Vertx vertx) {
    TestRouter router = routerAfterOneWebhook(vertx, "first");
    Await.until("the first webhook classified", Duration.ofSeconds(10),
        () -> TestPostgres.count("SELECT * FROM inbound_outcomes WHERE status = 'processed'") == 1);

    // What a crash right after the commit leaves behind: a 'received' row nobody is classifying.
    String lost = new String(Fixtures.unique("meta-text-01.json", "lost"), StandardCharsets.UTF_8);
    long lostId = TestPostgres.queryLong("""
        INSERT INTO inbound_webhooks (source, received_at, status, body)
        VALUES ('meta', now() - interval '1 minute', 'received', convert_to($json$%s$json$, 'UTF8'))
        RETURNING id""".formatted(lost));

    Await.until("the lost body classified", Duration.ofSeconds(10), () -> "processed".equals(
        TestPostgres.queryString("SELECT status FROM inbound_outcomes WHERE inbound_id = " + lostId)));
    assertEquals(1, TestPostgres.count("SELECT * FROM events WHERE inbound_id = " + lostId));
    // A later webhook: the watermark catches up with every id handed out more than the grace ago.
    assertEquals(200, router.postMeta(Fixtures.unique("meta-text-01.json", "later")).statusCode());
    long newest = TestPostgres.queryLong("SELECT max(id) FROM inbound_webhooks");
    Await.until("the watermark past every classified row", Duration.ofSeconds(10),
        () -> TestPostgres.queryLong("SELECT inbound_id FROM recovery_watermark") == newest);
  }

  @Test
  @DisplayName("the watermark stops below an unclassified row and never skips it")
  void watermarkStopsBelowUnclassified(Vertx vertx) {
    TestRouter router = routerAfterOneWebhook(vertx, "before");
    // A row the sweep leaves alone (received "in the future", so never older than the grace) between two
    // classified ones: the watermark may pass the first, never this one, however far the others go.
    long held = TestPostgres.queryLong("""
        INSERT INTO inbound_webhooks (source, received_at, status, body)
        VALUES ('meta', now() + interval '1 hour', 'received', convert_to('{}', 'UTF8')) RETURNING id""");
    assertEquals(200, router.postMeta(Fixtures.unique("meta-text-01.json", "after")).statusCode());
    Await.until("the watermark at the row below", Duration.ofSeconds(10),
        () -> TestPostgres.queryLong("SELECT inbound_id FROM recovery_watermark") == held - 1);
    // Grace 1 s, a sweep every 500 ms: once the later webhook is 3 s old, several sweeps could have moved on.
    Await.until("the later webhook 3 s old", Duration.ofSeconds(10), () -> TestPostgres.count(
        "SELECT * FROM inbound_webhooks WHERE id > %d AND received_at < now() - interval '3 seconds'".formatted(held)) == 1);
    assertEquals(held - 1, TestPostgres.queryLong("SELECT inbound_id FROM recovery_watermark"));
    assertEquals(0, TestPostgres.count("SELECT * FROM inbound_outcomes WHERE inbound_id = " + held));
  }

  /** A fresh database and router that has acknowledged one webhook. */
  private static TestRouter routerAfterOneWebhook(Vertx vertx, String suffix) {
    TestPostgres.reset();
    TestRouter router = TestRouter.start(vertx, TestRouter.baseConfig());
    assertEquals(200, router.postMeta(Fixtures.unique("meta-text-01.json", suffix)).statusCode());
    return router;
  }
}
