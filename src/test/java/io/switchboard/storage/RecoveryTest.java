package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    long lostId = insertLost(new String(Fixtures.unique("meta-text-01.json", "lost"), StandardCharsets.UTF_8));

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

  @Test
  @DisplayName("a body Postgres refuses fails alone and is marked refused; the bodies beside it are classified")
  void refusedBodyFailsAlone(Vertx vertx) {
    TestPostgres.reset();
    // Postgres refuses the events of one body (as it would a value it cannot store).
    TestPostgres.execute("ALTER TABLE events ADD CONSTRAINT refuse_poison CHECK (payload::text NOT LIKE '%POISON%')");
    try {
      List<Long> lost = new ArrayList<>();
      for (String suffix : List.of("lost-1", "lost-2", "POISON", "lost-3", "lost-4")) {
        lost.add(insertLost(new String(Fixtures.unique("meta-text-01.json", suffix), StandardCharsets.UTF_8)));
      }
      // The sweep at start-up sends them all in one message; only isolation within that group can classify
      // the others before the next sweep.
      startWithOneSweep(vertx, lost.get(4));

      Await.until("every other lost body classified", Duration.ofSeconds(10), () -> TestPostgres.count(
          "SELECT * FROM inbound_outcomes WHERE inbound_id IN (%d, %d, %d, %d)".formatted(
              lost.get(0), lost.get(1), lost.get(3), lost.get(4))) == 4);
      assertEquals(4, TestPostgres.count("SELECT * FROM events"));
      // Refused for good: the body stays, its outcome says why, and the sweep need not come back for it.
      Await.until("the refused body's outcome", Duration.ofSeconds(10), () -> "refused".equals(
          TestPostgres.queryString("SELECT status FROM inbound_outcomes WHERE inbound_id = " + lost.get(2))));
      assertTrue(TestPostgres.queryString("SELECT error FROM inbound_outcomes WHERE inbound_id = " + lost.get(2))
          .contains("refuse_poison"));
      assertEquals(5, TestPostgres.count("SELECT * FROM inbound_webhooks"));
    } finally {
      TestPostgres.execute("ALTER TABLE events DROP CONSTRAINT refuse_poison");
    }
  }

  @Test
  @DisplayName("a backlog bigger than one sweep drains at once, not one batch per recovery interval")
  void backlogDrains(Vertx vertx) {
    TestPostgres.reset();
    // 1 500 acknowledged, never classified bodies (three sweeps' worth), as a crash under load leaves them.
    String body = new String(Fixtures.unique("meta-text-01.json", "backlog"), StandardCharsets.UTF_8);
    TestPostgres.execute("""
        INSERT INTO inbound_webhooks (source, received_at, status, body)
        SELECT 'meta', now() - interval '1 minute', 'received', convert_to($json$%s$json$, 'UTF8')
        FROM generate_series(1, 1500)""".formatted(body));
    startWithOneSweep(vertx, TestPostgres.queryLong("SELECT max(id) FROM inbound_webhooks"));

    Await.until("the whole backlog classified", Duration.ofSeconds(20),
        () -> TestPostgres.count("SELECT * FROM inbound_outcomes") == 1500);
  }

  /**
   * Starts a router whose first sweep (at start-up) reads every lost body up to {@code newestId}, and whose
   * next periodic sweep is a minute away: a sequence sample old enough is already there.
   */
  private static void startWithOneSweep(Vertx vertx, long newestId) {
    TestPostgres.execute("UPDATE recovery_watermark SET sample_id = %d, sample_at = now() - interval '1 hour'"
        .formatted(newestId));
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("storage").put("recoveryInterval", "60s");
    TestRouter.start(vertx, tree);
  }

  /** What a crash right after the commit leaves behind: a 'received' row, older than the grace, no outcome. */
  private static long insertLost(String body) {
    return TestPostgres.queryLong("""
        INSERT INTO inbound_webhooks (source, received_at, status, body)
        VALUES ('meta', now() - interval '1 minute', 'received', convert_to($json$%s$json$, 'UTF8'))
        RETURNING id""".formatted(body));
  }

  /** A fresh database and router that has acknowledged one webhook. */
  private static TestRouter routerAfterOneWebhook(Vertx vertx, String suffix) {
    TestPostgres.reset();
    TestRouter router = TestRouter.start(vertx, TestRouter.baseConfig());
    assertEquals(200, router.postMeta(Fixtures.unique("meta-text-01.json", suffix)).statusCode());
    return router;
  }
}
