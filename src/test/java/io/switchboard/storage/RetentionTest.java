package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.api.Bus;
import io.switchboard.support.Await;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Retention")
class RetentionTest {

  @Test
  @DisplayName("rows older than storage.retentionDays are purged (attempts with their deliveries); newer ones stay")
  void purgesExpiredRows(Vertx vertx) {
    TestPostgres.reset();
    var callbacks = new io.switchboard.support.CallbackServer(vertx).start();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("storage").put("retentionDays", 30);
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("crm", callbacks.url("/crm"), "*"));
    TestRouter router = TestRouter.start(vertx, tree);
    router.postMeta(Fixtures.unique("meta-text-01.json", "old"));
    router.postMeta(Fixtures.unique("meta-text-01.json", "new"));
    Await.until("both delivered", Duration.ofSeconds(15),
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == 2);

    // Backdate everything that came from the first webhook to 40 days ago.
    TestPostgres.execute("UPDATE inbound_webhooks SET received_at = now() - interval '40 days' WHERE id = 1");
    TestPostgres.execute("UPDATE events SET received_at = now() - interval '40 days' WHERE inbound_id = 1");
    TestPostgres.execute("UPDATE deliveries SET created_at = now() - interval '40 days' WHERE inbound_id = 1");

    JsonObject deleted = Await.result(vertx.eventBus().<JsonObject>request(Bus.PURGE_EXPIRED, null)).body();
    assertEquals(new JsonObject().put("deliveries", 1).put("events", 1).put("inbound_webhooks", 1).put("status_marks", 0), deleted);
    assertEquals(1, TestPostgres.count("SELECT * FROM inbound_webhooks"));
    assertEquals(1, TestPostgres.count("SELECT * FROM inbound_outcomes WHERE inbound_id = 2"));
    assertEquals(1, TestPostgres.count("SELECT * FROM inbound_outcomes"));
    assertEquals(1, TestPostgres.count("SELECT * FROM events"));
    assertEquals(1, TestPostgres.count("SELECT * FROM deliveries WHERE inbound_id = 2"));
    assertEquals(1, TestPostgres.count("SELECT * FROM delivery_attempts"));
  }

  @Test
  @DisplayName("what a delete racing an insert leaves (a delivery of a deleted subscription, an attempt of a deleted"
      + " delivery) is purged; live rows stay")
  void purgesOrphans(Vertx vertx) {
    TestPostgres.reset();
    var callbacks = new io.switchboard.support.CallbackServer(vertx).start();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("crm", callbacks.url("/crm"), "*"));
    TestRouter router = TestRouter.start(vertx, tree);
    router.postMeta(Fixtures.unique("meta-text-01.json", "live"));
    Await.until("delivered", Duration.ofSeconds(15),
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == 1);
    long live = TestPostgres.count("SELECT * FROM deliveries");

    // The rows a race leaves: no foreign key stops them (V9). Ids around the live delivery's on both sides.
    TestPostgres.execute("INSERT INTO deliveries (id, subscription_id, message_id, event_type, inbound_id, status,"
        + " next_attempt_at) VALUES (1000, 999, 'wamid.orphan', 'message.received', 1, 'pending', now())");
    TestPostgres.execute("INSERT INTO delivery_attempts (delivery_id, attempt, started_at, latency_ms, outcome)"
        + " VALUES (1000, 1, now(), 1, 'retry'), (0, 1, now(), 1, 'succeeded')");

    JsonObject deleted = Await.result(vertx.eventBus().<JsonObject>request(Bus.PURGE_EXPIRED, null)).body();
    assertEquals(1, deleted.getInteger("deliveries"), deleted.encode());
    assertEquals(live, TestPostgres.count("SELECT * FROM deliveries"));
    assertEquals(0, TestPostgres.count("SELECT * FROM deliveries WHERE subscription_id = 999"));
    assertEquals(live, TestPostgres.count("SELECT * FROM delivery_attempts"), "the live delivery's attempt stays");
    assertEquals(0, TestPostgres.count("SELECT * FROM delivery_attempts WHERE delivery_id IN (0, 1000)"));
  }
}
