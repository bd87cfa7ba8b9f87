package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.ManagementClient;
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
@DisplayName("expireAfter: a delivery not accomplished in time ends expired")
class ExpiryTest {

  private static long attempts(String subscription) {
    return TestPostgres.count("SELECT * FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id"
        + " JOIN subscriptions s ON s.id = d.subscription_id WHERE s.name = '" + subscription + "'");
  }

  @Test
  @DisplayName("subscriber down: with expireAfter 2s the delivery ends expired after ~2 s and is not attempted again; without it the schedule goes on")
  void expiresAndStops(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer down = new CallbackServer(vertx).start();
    down.script(r -> new CallbackServer.Answer(503, null, 0));
    JsonObject tree = TestRouter.baseConfig();
    String schedule = String.join(",", java.util.Collections.nCopies(40, "300ms"));
    tree.getJsonArray("subscriptions")
        .add(TestRouter.subscription("calls", down.url("/calls"), "message.*").put("expireAfter", "2s")
            .put("schedule", schedule))
        .add(TestRouter.subscription("crm", down.url("/crm"), "message.*").put("schedule", schedule));
    TestRouter router = TestRouter.start(vertx, tree);
    ManagementClient api = new ManagementClient(router);

    long posted = System.nanoTime();
    assertEquals(200, router.postMeta(Fixtures.bytes("meta-text-01.json")).statusCode());
    Await.until("the calls delivery expired", Duration.ofSeconds(10), () -> TestPostgres.count(
        "SELECT * FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id"
            + " WHERE s.name = 'calls' AND d.status = 'expired'") == 1);
    long elapsedMillis = (System.nanoTime() - posted) / 1_000_000;
    assertTrue(elapsedMillis >= 1_900 && elapsedMillis < 5_000, "expired after " + elapsedMillis + " ms");

    long attemptsAtExpiry = attempts("calls");
    long crmBefore = attempts("crm");
    Await.until("the other subscription keeps its schedule", Duration.ofSeconds(10),
        () -> attempts("crm") >= crmBefore + 3);
    assertEquals(attemptsAtExpiry, attempts("calls"), "not attempted again after it expired");
    assertEquals("pending", TestPostgres.queryString("SELECT d.status FROM deliveries d JOIN subscriptions s"
        + " ON s.id = d.subscription_id WHERE s.name = 'crm'"));

    JsonObject logs = api.get("/api/webhook/logs?status=expired").bodyAsJsonObject();
    assertEquals(1, logs.getJsonArray("data").size());
    JsonObject stats = ManagementClient.data(api.get("/api/webhook/stats?days=1"));
    assertEquals(1, stats.getInteger("expired"));
    assertTrue(router.get("/metrics").bodyAsString().matches(
        "(?s).*switchboard_deliveries_total\\{[^}]*outcome=\"expired\"[^}]*subscription=\"calls\"[^}]*\\} 1\\.0.*"),
        "counted in the metrics");
  }
}
