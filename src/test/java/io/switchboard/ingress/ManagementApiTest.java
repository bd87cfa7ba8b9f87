package io.switchboard.ingress;

import static io.switchboard.support.ManagementClient.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.CallbackServer.Answer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.ManagementClient;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Management API: the delivery log, retry, replay, stats, events and raw bodies")
class ManagementApiTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String PHONE = "409552778964973";

  private CallbackServer callbacks;
  private ManagementClient api;

  @BeforeEach
  void start(Vertx vertx) {
    TestPostgres.reset();
    callbacks = new CallbackServer(vertx).start();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("crm", callbacks.url("/crm"), "*"));
    router = TestRouter.start(vertx, tree);
    api = new ManagementClient(router);
  }

  private TestRouter router;

  @Test
  @DisplayName("an operator finds a failed delivery, reads its attempts, fixes the endpoint, retries it and sees it in the stats")
  void operatorWalkThrough() {
    callbacks.script(r -> new Answer(500, null, 0));
    assertEquals(200, router.postMeta(Fixtures.bytes("meta-text-01.json")).statusCode());
    Await.until("a failed delivery in the log", WAIT, () -> page("/api/webhook/logs?status=failed").size() == 1);

    JsonObject item = page("/api/webhook/logs?status=failed").getJsonObject(0);
    assertEquals("crm", item.getString("subscription"));
    assertEquals("message.received", item.getString("event_type"));
    assertEquals(PHONE, item.getString("phone_number_id"));
    assertEquals(3, item.getInteger("attempts"));
    assertEquals(500, item.getInteger("last_status_code"));
    assertNotNull(item.getString("completed_at"));
    long id = item.getLong("id");

    JsonObject detail = data(api.get("/api/webhook/logs/" + id));
    JsonArray history = detail.getJsonArray("history");
    assertEquals(List.of("retry", "retry", "failed"), field(history, "outcome"));
    assertEquals(List.of(500, 500, 500), field(history, "status_code"));
    assertEquals(item.getString("event_id"), detail.getJsonObject("payload").getString("id"));

    callbacks.script(r -> Answer.ok());
    JsonObject retried = data(api.post("/api/webhook/retry/" + id, null));
    assertEquals("pending", retried.getString("status"));
    Await.until("the retried delivery succeeded", WAIT,
        () -> "succeeded".equals(data(api.get("/api/webhook/logs/" + id)).getString("status")));
    JsonArray after = data(api.get("/api/webhook/logs/" + id)).getJsonArray("history");
    assertEquals(4, after.size());
    assertEquals(4, after.getJsonObject(3).getInteger("attempt"), "the attempt counter keeps counting");
    assertEquals(200, after.getJsonObject(3).getInteger("status_code"));

    JsonObject stats = data(api.get("/api/webhook/stats?instanceId=" + PHONE + "&days=1"));
    assertEquals(1, stats.getInteger("total"));
    assertEquals(1, stats.getInteger("success"));
    assertEquals(0, stats.getInteger("failed"));
    assertEquals(0, stats.getInteger("pending"));
    assertEquals(1.0, stats.getDouble("successRate"));
    assertEquals(new JsonArray().add(new JsonObject().put("type", "message.received").put("count", 1)),
        stats.getJsonArray("topEvents"));
    assertNotNull(stats.getDouble("p50LatencyMs"));
    assertTrue(stats.getDouble("p99LatencyMs") >= stats.getDouble("p50LatencyMs"));
    assertEquals(0, data(api.get("/api/webhook/stats?instanceId=someone-else")).getInteger("total"));
  }

  @Test
  @DisplayName("the log pages newest first with a cursor and filters by number, status, event glob and subscription")
  void pagesAndFilters() {
    for (int i = 0; i < 3; i++) {
      router.postMeta(Fixtures.unique("meta-text-01.json", "p" + i));
    }
    Await.until("three deliveries succeeded", WAIT, () -> page("/api/webhook/logs?status=succeeded").size() == 3);

    JsonObject first = api.get("/api/webhook/logs?limit=2").bodyAsJsonObject();
    assertEquals(2, first.getJsonArray("data").size());
    String cursor = first.getString("next_cursor");
    assertNotNull(cursor);
    JsonObject second = api.get("/api/webhook/logs?limit=2&cursor=" + cursor).bodyAsJsonObject();
    assertEquals(1, second.getJsonArray("data").size());
    assertNull(second.getString("next_cursor"));
    List<Object> ids = field(first.getJsonArray("data"), "id");
    ids.addAll(field(second.getJsonArray("data"), "id"));
    assertEquals(List.of(3L, 2L, 1L), ids.stream().map(o -> ((Number) o).longValue()).toList());

    assertEquals(3, page("/api/webhook/logs?event=message.*").size());
    assertEquals(3, page("/api/webhook/logs?event=message.received").size());
    assertEquals(0, page("/api/webhook/logs?event=message.status.*").size());
    assertEquals(3, page("/api/webhook/logs?subscription=crm").size());
    assertEquals(0, page("/api/webhook/logs?subscription=nobody").size());
    assertEquals(3, page("/api/webhook/logs?instanceId=" + PHONE).size());
    assertEquals(0, page("/api/webhook/logs?instanceId=123").size());
    assertEquals(0, page("/api/webhook/logs?status=failed").size());
  }

  @Test
  @DisplayName("replay makes every matching failed delivery due again and says how many")
  void replay() {
    callbacks.script(r -> new Answer(503, null, 0));
    router.postMeta(Fixtures.unique("meta-text-01.json", "r1"));
    router.postMeta(Fixtures.unique("meta-text-01.json", "r2"));
    Await.until("two failed deliveries", WAIT, () -> page("/api/webhook/logs?status=failed").size() == 2);

    String tomorrow = java.time.Instant.now().plus(Duration.ofDays(1)).toString();
    assertEquals(0, data(api.post("/api/webhook/replay", new JsonObject().put("since", tomorrow))).getInteger("queued"));
    assertEquals(0, data(api.post("/api/webhook/replay", new JsonObject().put("subscription", "nobody"))).getInteger("queued"));

    callbacks.script(r -> Answer.ok());
    JsonObject replay = new JsonObject().put("status", "failed").put("subscription", "crm")
        .put("since", "2020-01-01T00:00:00Z").put("until", tomorrow);
    assertEquals(2, data(api.post("/api/webhook/replay", replay)).getInteger("queued"));
    Await.until("both replayed deliveries succeeded", WAIT, () -> page("/api/webhook/logs?status=succeeded").size() == 2);
  }

  @Test
  @DisplayName("DELETE /api/webhook/logs removes deliveries and their attempts, by age and number")
  void deleteLogs() {
    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    Await.until("the delivery succeeded", WAIT, () -> page("/api/webhook/logs?status=succeeded").size() == 1);

    assertEquals(0, data(api.delete("/api/webhook/logs", new JsonObject().put("days", 1))).getInteger("deleted"));
    assertEquals(0, data(api.delete("/api/webhook/logs?instanceId=123&days=0", null)).getInteger("deleted"));
    assertEquals(1, data(api.delete("/api/webhook/logs", new JsonObject().put("instanceId", PHONE).put("days", 0))).getInteger("deleted"));
    assertEquals(0, page("/api/webhook/logs").size());
    assertEquals(0, TestPostgres.count("SELECT * FROM delivery_attempts"));
    assertEquals(400, api.delete("/api/webhook/logs", new JsonObject().put("days", -1)).statusCode());
  }

  @Test
  @DisplayName("the stored event and the raw inbound body are readable by id, and link to each other")
  void eventAndInbound() {
    byte[] body = Fixtures.bytes("meta-text-01.json");
    long inboundId = router.postMeta(body).bodyAsJsonObject().getLong("inbound_id");
    Await.until("the delivery succeeded", WAIT, () -> page("/api/webhook/logs?status=succeeded").size() == 1);
    String eventId = page("/api/webhook/logs").getJsonObject(0).getString("event_id");

    JsonObject event = data(api.get("/api/events/" + eventId));
    assertEquals("message.received", event.getString("type"));
    assertEquals(inboundId, event.getLong("inbound_id"));
    assertEquals(eventId, event.getJsonObject("payload").getString("id"));

    JsonObject inbound = data(api.get("/api/inbound/" + inboundId));
    assertEquals(new String(body, StandardCharsets.UTF_8), inbound.getString("body"));
    assertEquals("processed", inbound.getString("status"));
    assertEquals("meta", inbound.getString("source"));
    assertEquals(new JsonArray().add(eventId), inbound.getJsonArray("event_ids"));
  }

  @Test
  @DisplayName("the same update posted twice: the second inbound lists the event it duplicated, and nothing is delivered again")
  void duplicateInbound() {
    byte[] body = Fixtures.bytes("meta-text-01.json");
    long first = router.postMeta(body).bodyAsJsonObject().getLong("inbound_id");
    Await.until("the delivery succeeded", WAIT, () -> page("/api/webhook/logs?status=succeeded").size() == 1);
    long second = router.postMeta(body).bodyAsJsonObject().getLong("inbound_id");
    Await.until("the second body is classified", WAIT,
        () -> "processed".equals(data(api.get("/api/inbound/" + second)).getString("status")));

    String eventId = page("/api/webhook/logs").getJsonObject(0).getString("event_id");
    JsonObject original = data(api.get("/api/inbound/" + first));
    JsonObject repeat = data(api.get("/api/inbound/" + second));
    assertEquals(new JsonArray().add(eventId), original.getJsonArray("event_ids"));
    assertEquals(new JsonArray(), original.getJsonArray("duplicate_of"));
    assertEquals(new JsonArray().add(eventId), repeat.getJsonArray("event_ids"));
    assertEquals(new JsonArray().add(eventId), repeat.getJsonArray("duplicate_of"));
    assertEquals(1, page("/api/webhook/logs").size(), "delivered once");
    // Both show the one delivery of their event, stored under the first body.
    long delivery = page("/api/webhook/logs").getJsonObject(0).getLong("id");
    for (JsonObject inbound : List.of(original, repeat)) {
      assertEquals(List.of(delivery), inbound.getJsonArray("deliveries").stream()
          .map(d -> ((JsonObject) d).getLong("id")).toList(), inbound.encode());
    }
  }

  @Test
  @DisplayName("without a valid key every route answers 401; unknown ids 404; bad parameters 400, all as {code, detail}")
  void failures() {
    for (String uri : List.of("/api/webhook/logs", "/api/webhook/stats", "/api/subscriptions", "/api/openapi.yaml")) {
      assertError(api.withKey(null).get(uri), 401, "unauthorized");
      assertError(api.withKey("wrong-key").get(uri), 401, "unauthorized");
    }
    assertError(api.withKey(null).post("/api/webhook/retry/1", null), 401, "unauthorized");

    assertError(api.get("/api/nothing-here"), 404, "not_found");
    assertError(api.put("/api/webhook/stats", new JsonObject()), 405, "method_not_allowed");
    assertError(api.get("/api/webhook/logs/999"), 404, "not_found");
    assertError(api.post("/api/webhook/retry/999", null), 404, "not_found");
    assertError(api.get("/api/events/evt_nope"), 404, "not_found");
    assertError(api.get("/api/inbound/999"), 404, "not_found");

    for (String uri : List.of("/api/webhook/logs/abc", "/api/webhook/logs?limit=0", "/api/webhook/logs?limit=x",
        "/api/webhook/logs?status=lost", "/api/webhook/logs?cursor=zzz", "/api/webhook/stats?days=0",
        "/api/inbound/abc")) {
      assertError(api.get(uri), 400, "bad_parameter");
    }
    assertError(api.post("/api/webhook/replay", new JsonObject().put("since", "yesterday")), 400, "bad_parameter");
    assertError(api.post("/api/webhook/replay", new JsonObject().put("status", "lost")), 400, "bad_parameter");
    assertError(api.post("/api/webhook/test", new JsonObject()), 400, "bad_parameter");
    assertError(api.post("/api/webhook/test", new JsonObject().put("url", "ftp://example.com/x")), 400, "bad_parameter");
  }

  @Test
  @DisplayName("a test send reaches the endpoint signed, and reports its status, latency and body")
  void testSend() {
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    JsonObject answer = data(api.post("/api/webhook/test",
        new JsonObject().put("url", callbacks.url("/probe")).put("secret", secret)));
    assertEquals(200, answer.getInteger("status"));
    assertEquals("{\"ok\":true}", answer.getString("body"));
    assertNull(answer.getString("error"));
    assertTrue(answer.getLong("latency_ms") >= 0);
    var received = callbacks.at("/probe");
    assertEquals(1, received.size());
    assertEquals("webhook.test", received.get(0).json().getString("type"));
    assertEquals(answer.getString("event_id"), received.get(0).header("webhook-id"));
    String expected = new io.switchboard.delivery.WebhookSigner(secret).sign(received.get(0).header("webhook-id"),
        Long.parseLong(received.get(0).header("webhook-timestamp")), received.get(0).body());
    assertEquals(expected, received.get(0).header("webhook-signature"));
    assertEquals(0, TestPostgres.count("SELECT * FROM deliveries"), "a test send is not stored");

    callbacks.script(r -> new Answer(503, null, 0));
    JsonObject failing = data(api.post("/api/webhook/test", new JsonObject().put("url", callbacks.url("/probe"))));
    assertEquals(503, failing.getInteger("status"));
    assertTrue(failing.getString("secret").startsWith("whsec_"), "a generated secret is returned");
  }

  private JsonArray page(String uri) {
    var response = api.get(uri);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertTrue(response.bodyAsJsonObject().containsKey("next_cursor"));
    return response.bodyAsJsonObject().getJsonArray("data");
  }

  private static List<Object> field(JsonArray items, String key) {
    List<Object> values = new java.util.ArrayList<>();
    items.forEach(o -> values.add(((JsonObject) o).getValue(key)));
    return values;
  }

  static void assertError(io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> response, int status,
      String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(code, body.getString("code"));
    assertNotNull(body.getString("detail"));
    Set<String> keys = new HashSet<>(body.fieldNames());
    assertEquals(Set.of("code", "detail"), keys);
  }
}
