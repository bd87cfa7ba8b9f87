package io.switchboard.ingress;

import static io.switchboard.support.ManagementClient.data;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.ManagementClient;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A management API body with a field the route does not take is refused with 400, naming the field. */
@ExtendWith(VertxExtension.class)
@DisplayName("Management API bodies: unknown fields, required parameters")
class ApiBodyFieldsTest {

  private ManagementClient api;
  private TestRouter router;
  private CallbackServer callbacks;

  @BeforeEach
  void start(Vertx vertx) {
    TestPostgres.reset();
    callbacks = new CallbackServer(vertx).start();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("crm", callbacks.url("/crm"), "*"));
    router = TestRouter.start(vertx, tree);
    api = new ManagementClient(router);
  }

  @Test
  @DisplayName("DELETE /api/webhook/logs without days is 400 and deletes nothing; days=0 deletes every finished delivery")
  void deleteNeedsDays() {
    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    Await.until("a succeeded delivery", Duration.ofSeconds(15),
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == 1);

    for (HttpResponse<Buffer> refused : List.of(api.delete("/api/webhook/logs", null),
        api.delete("/api/webhook/logs", new JsonObject()),
        api.delete("/api/webhook/logs", new JsonObject().put("instanceId", "409552778964973")))) {
      ManagementApiTest.assertError(refused, 400, "bad_parameter");
      assertEquals("days is required: deliveries finished more than that many days ago are deleted"
          + " (0 = every finished delivery)", refused.bodyAsJsonObject().getString("detail"));
    }
    assertEquals(1, TestPostgres.count("SELECT * FROM deliveries"));
    assertEquals(1, data(api.delete("/api/webhook/logs?days=0", null)).getInteger("deleted"));
    assertEquals(0, TestPostgres.count("SELECT * FROM deliveries"));
  }

  private static void assertUnknownField(HttpResponse<Buffer> response, String detail) {
    ManagementApiTest.assertError(response, 400, "bad_parameter");
    assertEquals(detail, response.bodyAsJsonObject().getString("detail"));
  }

  private static JsonObject subscription() {
    return new JsonObject().put("name", "api-crm").put("url", "https://crm.example.com/hooks")
        .put("events", new JsonArray().add("message.*"));
  }

  @Test
  @DisplayName("replay, delete and test refuse a mistyped field with a did-you-mean, and nothing is done")
  void webhookRoutes() {
    assertUnknownField(api.post("/api/webhook/replay", new JsonObject().put("stauts", "succeeded")),
        "unknown field 'stauts'; did you mean 'status'?");
    assertUnknownField(api.delete("/api/webhook/logs", new JsonObject().put("dyas", 0)),
        "unknown field 'dyas'; did you mean 'days'?");
    assertUnknownField(api.post("/api/webhook/test", new JsonObject().put("url", "https://x.example").put("scret", "s")),
        "unknown field 'scret'; did you mean 'secret'?");
    assertUnknownField(api.post("/api/webhook/replay", new JsonObject().put("everything", true)),
        "unknown field 'everything' (expected one of [dryRun, since, status, subscription, until])");
    assertEquals(0, data(api.post("/api/webhook/replay", new JsonObject().put("status", "succeeded"))).getInteger("queued"));
  }

  @Test
  @DisplayName("subscription create and update refuse a mistyped field; a GET sent back as a PUT is accepted")
  void subscriptionRoutes() {
    assertUnknownField(api.post("/api/subscriptions", subscription().put("evnets", new JsonArray().add("message.*"))),
        "unknown field 'evnets'; did you mean 'events'?");
    assertEquals(List.of("crm"), api.get("/api/subscriptions").bodyAsJsonObject().getJsonArray("data").stream()
        .map(o -> ((JsonObject) o).getString("name")).toList());

    JsonObject created = data(api.post("/api/subscriptions", subscription()));
    String path = "/api/subscriptions/" + created.getLong("id");
    assertUnknownField(api.put(path, subscription().put("maxConcurency", 3)),
        "unknown field 'maxConcurency'; did you mean 'maxConcurrency'?");
    JsonObject read = data(api.get(path));
    assertEquals(5, data(api.put(path, read.put("maxConcurrency", 5))).getInteger("maxConcurrency"));
  }
}
