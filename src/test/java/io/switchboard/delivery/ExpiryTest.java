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

  /** The 2025-2026 payloads from shared/fixtures/whatsapp-2026, copied to the test resources. */
  private static final class Fixtures2026 {
    static byte[] bytes(String name) {
      try {
        return java.nio.file.Files.readAllBytes(java.nio.file.Path.of("src/test/resources/fixtures/whatsapp-2026", name));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private static long attempts(String subscription) {
    return TestPostgres.count("SELECT * FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id"
        + " JOIN subscriptions s ON s.id = d.subscription_id WHERE s.name = '" + subscription + "'");
  }

  @Test
  @DisplayName("subscriber down: a call.connect delivery with expireAfter 5s ends expired after ~5 s and is not attempted again; one without it keeps its schedule")
  void expiresAndStops(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer down = new CallbackServer(vertx).start();
    down.script(r -> new CallbackServer.Answer(503, null, 0));
    JsonObject tree = TestRouter.baseConfig();
    String schedule = String.join(",", java.util.Collections.nCopies(40, "300ms"));
    tree.getJsonArray("subscriptions")
        .add(TestRouter.subscription("calls", down.url("/calls"), "call.*").put("expireAfter", "5s")
            .put("schedule", schedule))
        .add(TestRouter.subscription("crm", down.url("/crm"), "call.*").put("schedule", schedule));
    TestRouter router = TestRouter.start(vertx, tree);
    ManagementClient api = new ManagementClient(router);

    long posted = System.nanoTime();
    assertEquals(200, router.postMeta(Fixtures2026.bytes("meta-calls-connect-01.json")).statusCode());
    Await.until("both deliveries planned", Duration.ofSeconds(10),
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE event_type = 'call.connect'") == 2);
    Await.until("the calls delivery expired", Duration.ofSeconds(15), () -> TestPostgres.count(
        "SELECT * FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id"
            + " WHERE s.name = 'calls' AND d.status = 'expired'") == 1);
    long elapsedMillis = (System.nanoTime() - posted) / 1_000_000;
    assertTrue(elapsedMillis >= 4_900 && elapsedMillis < 8_000, "expired after " + elapsedMillis + " ms");

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
