package io.switchboard.ingress;

import static io.switchboard.support.ManagementClient.data;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.ManagementClient;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A management API body with a field the route does not take is refused with 400, naming the field. */
@ExtendWith(VertxExtension.class)
@DisplayName("Management API bodies")
class ApiBodyFieldsTest {

  private ManagementClient api;

  @BeforeEach
  void start(Vertx vertx) {
    TestPostgres.reset();
    api = new ManagementClient(TestRouter.start(vertx, TestRouter.baseConfig()));
  }

  private static void assertUnknownField(HttpResponse<Buffer> response, String detail) {
    ManagementApiTest.assertError(response, 400, "bad_parameter");
    assertEquals(detail, response.bodyAsJsonObject().getString("detail"));
  }

  private static JsonObject subscription() {
    return new JsonObject().put("name", "crm").put("url", "https://crm.example.com/hooks")
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
        "unknown field 'everything' (expected one of [since, status, subscription, until])");
    assertEquals(0, data(api.post("/api/webhook/replay", new JsonObject().put("status", "succeeded"))).getInteger("queued"));
  }

  @Test
  @DisplayName("subscription create and update refuse a mistyped field; a GET sent back as a PUT is accepted")
  void subscriptionRoutes() {
    assertUnknownField(api.post("/api/subscriptions", subscription().put("evnets", new JsonArray().add("message.*"))),
        "unknown field 'evnets'; did you mean 'events'?");
    assertEquals(0, api.get("/api/subscriptions").bodyAsJsonObject().getJsonArray("data").size());

    JsonObject created = data(api.post("/api/subscriptions", subscription()));
    String path = "/api/subscriptions/" + created.getLong("id");
    assertUnknownField(api.put(path, subscription().put("maxConcurency", 3)),
        "unknown field 'maxConcurency'; did you mean 'maxConcurrency'?");
    JsonObject read = data(api.get(path));
    assertEquals(5, data(api.put(path, read.put("maxConcurrency", 5))).getInteger("maxConcurrency"));
  }
}
