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
}
