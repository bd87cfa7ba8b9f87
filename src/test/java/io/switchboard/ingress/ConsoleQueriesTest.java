package io.switchboard.ingress;

import static io.switchboard.support.ManagementClient.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.CallbackServer.Answer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.ManagementClient;
import io.switchboard.support.SubscribedRouter;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Management API for the console: inbound pages, a webhook's deliveries, replay counts, subscription tests, endpoints")
class ConsoleQueriesTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private CallbackServer callbacks;
  private TestRouter router;
  private ManagementClient api;

  @BeforeEach
  void start(Vertx vertx) {
    SubscribedRouter started = SubscribedRouter.start(vertx);
    callbacks = started.callbacks();
    router = started.router();
    api = started.api();
  }

  @Test
  @DisplayName("GET /api/inbound lists raw webhooks newest first, filtered by source, status and time, a page at a time")
  void inboundPages() {
    Instant before = Instant.now();
    long first = inbound(router.postMeta(Fixtures.unique("meta-text-01.json", "a")).bodyAsJsonObject());
    long second = inbound(router.postMeta(Fixtures.unique("meta-text-01.json", "b")).bodyAsJsonObject());
    byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
    assertEquals(400, router.post("meta", notJson, java.util.Map.of("X-Hub-Signature-256",
        Fixtures.metaSignature(Fixtures.APP_SECRET, notJson))).statusCode());
    Await.until("both bodies classified", WAIT, () -> ids("/api/inbound?status=processed").size() == 2);
    long invalid = ids("/api/inbound").get(0);
    assertTrue(invalid > second);

    assertEquals(List.of(invalid, second, first), ids("/api/inbound"));
    assertEquals(List.of(invalid), ids("/api/inbound?status=invalid"));
    assertEquals(List.of(), ids("/api/inbound?source=360dialog"));
    assertEquals(List.of(), ids("/api/inbound?until=" + before));
    assertEquals(3, ids("/api/inbound?source=meta&since=" + before).size());
    JsonObject page = api.get("/api/inbound?limit=2").bodyAsJsonObject();
    assertEquals(String.valueOf(second), page.getString("next_cursor"));
    assertEquals(List.of(first), ids("/api/inbound?limit=2&cursor=" + second));
    JsonObject item = page.getJsonArray("data").getJsonObject(1);
    assertEquals("meta", item.getString("source"));
    assertEquals(1, item.getInteger("event_count"));
    assertTrue(item.getInteger("bytes") > 100);
    assertFalse(item.containsKey("body"), "a list leaves the bodies out");
    assertEquals(400, api.get("/api/inbound?status=lost").statusCode());
    assertEquals(400, api.get("/api/inbound?since=yesterday").statusCode());
  }

  @Test
  @DisplayName("GET /api/inbound/{id} shows the webhook's events and each delivery made of them")
  void webhookDeliveries() {
    long id = inbound(router.postMeta(Fixtures.unique("meta-text-01.json", "c")).bodyAsJsonObject());
    Await.until("the delivery succeeded", WAIT, () -> data(api.get("/api/inbound/" + id)).getJsonArray("deliveries")
        .stream().map(JsonObject.class::cast).anyMatch(d -> "succeeded".equals(d.getString("status"))));
    JsonObject webhook = data(api.get("/api/inbound/" + id));
    JsonObject event = webhook.getJsonArray("events").getJsonObject(0);
    assertEquals("message.received", event.getString("type"));
    assertEquals(webhook.getJsonArray("event_ids").getString(0), event.getString("id"));
    JsonObject delivery = webhook.getJsonArray("deliveries").getJsonObject(0);
    assertEquals("crm", delivery.getString("subscription"));
    assertEquals(event.getString("id"), delivery.getString("event_id"));
    assertEquals(1, delivery.getInteger("attempts"));
  }

  @Test
  @DisplayName("a replay with dryRun counts what a replay would queue and changes nothing; the replay then queues as many")
  void replayCount() {
    callbacks.script(r -> new Answer(500, null, 0));
    router.postMeta(Fixtures.unique("meta-text-01.json", "d"));
    router.postMeta(Fixtures.unique("meta-text-01.json", "e"));
    Await.until("two failed deliveries", WAIT,
        () -> TestPostgres.queryLong("SELECT count(*) FROM deliveries WHERE status = 'failed'") == 2);
    JsonObject query = new JsonObject().put("status", "failed").put("subscription", "crm");
    assertEquals(2, data(api.post("/api/webhook/replay", query.copy().put("dryRun", true))).getInteger("matching"));
    assertEquals(0, data(api.post("/api/webhook/replay", query.copy().put("dryRun", true).put("subscription", "other")))
        .getInteger("matching"));
    assertEquals(2, TestPostgres.queryLong("SELECT count(*) FROM deliveries WHERE status = 'failed'"));
    assertEquals(400, api.post("/api/webhook/replay", query.copy().put("dryRun", "yes")).statusCode());
    callbacks.script(r -> Answer.ok());
    assertEquals(2, data(api.post("/api/webhook/replay", query)).getInteger("queued"));
  }

  @Test
  @DisplayName("POST /api/subscriptions/{id}/test signs a test event with the subscription's own secret and shows the answer, not the secret")
  void subscriptionTest() {
    JsonObject created = data(api.post("/api/subscriptions", new JsonObject().put("name", "made")
        .put("url", callbacks.url("/made")).put("events", new JsonArray().add("*"))));
    JsonObject answer = data(api.post("/api/subscriptions/" + created.getLong("id") + "/test", null));
    assertEquals(200, answer.getInteger("status"));
    assertEquals("{\"ok\":true}", answer.getString("body"));
    assertFalse(answer.encode().contains(created.getString("secret")));
    CallbackServer.Received received = callbacks.at("/made").get(0);
    assertEquals("webhook.test", received.json().getString("type"));
    assertEquals(answer.getString("event_id"), received.header("webhook-id"));
    assertEquals(404, api.post("/api/subscriptions/999/test", null).statusCode());
  }

  @Test
  @DisplayName("GET /api/endpoints shows each active subscription's circuit and its last success and failure")
  void endpoints() {
    callbacks.script(r -> new Answer(503, null, 0));
    router.postMeta(Fixtures.unique("meta-text-01.json", "f"));
    Await.until("a failure seen", WAIT, () -> data(api.get("/api/endpoints")).getJsonObject("1")
        .getString("last_failure_at") != null);
    JsonObject crm = data(api.get("/api/endpoints")).getJsonObject("1");
    assertEquals("crm", crm.getString("subscription"));
    assertEquals("closed", crm.getString("circuit"));
    assertNull(crm.getString("last_success_at"));
    callbacks.script(r -> Answer.ok());
    router.postMeta(Fixtures.unique("meta-text-01.json", "g"));
    Await.until("a success seen", WAIT, () -> data(api.get("/api/endpoints")).getJsonObject("1")
        .getString("last_success_at") != null);
    assertNotNull(Instant.parse(data(api.get("/api/endpoints")).getJsonObject("1").getString("last_success_at")));
  }

  private static long inbound(JsonObject answer) {
    return answer.getLong("inbound_id");
  }

  private List<Long> ids(String uri) {
    var response = api.get(uri);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("data").stream().map(o -> ((JsonObject) o).getLong("id")).toList();
  }
}
