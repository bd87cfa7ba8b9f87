package io.switchboard.ingress;

import static io.switchboard.ingress.ManagementApiTest.assertError;
import static io.switchboard.support.ManagementClient.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Management API: subscriptions")
class SubscriptionsApiTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private CallbackServer callbacks;
  private TestRouter router;
  private ManagementClient api;

  @BeforeEach
  void start(Vertx vertx) {
    TestPostgres.reset();
    callbacks = new CallbackServer(vertx).start();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("from-file", callbacks.url("/file"), "template.*"));
    router = TestRouter.start(vertx, tree);
    api = new ManagementClient(router);
  }

  @Test
  @DisplayName("a subscription created over the API shows its generated secret once, then masked, and receives events")
  void createAndDeliver() {
    var created = api.post("/api/subscriptions", new JsonObject().put("name", "crm").put("url", callbacks.url("/crm"))
        .put("events", new JsonArray().add("message.*")).put("headers", new JsonObject().put("Authorization", "Bearer abcdefgh1234")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject subscription = data(created);
    String secret = subscription.getString("secret");
    assertTrue(secret.startsWith("whsec_"));
    assertEquals(24, Base64.getDecoder().decode(secret.substring("whsec_".length())).length);
    assertEquals("api", subscription.getString("origin"));
    assertEquals("Bearer abcdefgh1234", subscription.getJsonObject("headers").getString("Authorization"));
    long id = subscription.getLong("id");

    JsonObject shown = data(api.get("/api/subscriptions/" + id));
    assertEquals("whsec_…" + secret.substring(secret.length() - 4), shown.getString("secret"));
    assertEquals("…", shown.getJsonObject("headers").getString("Authorization").substring(0, 1));
    JsonArray all = api.get("/api/subscriptions").bodyAsJsonObject().getJsonArray("data");
    assertEquals(2, all.size());
    assertFalse(all.encode().contains(secret), "a list never shows a secret");
    assertFalse(all.encode().contains("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));

    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    Await.until("the API subscription got the event", WAIT, () -> callbacks.at("/crm").size() == 1);
    assertEquals("Bearer abcdefgh1234", callbacks.at("/crm").get(0).header("authorization"));
  }

  @Test
  @DisplayName("a PUT moving the URL to another host must give the header values again: credentials never follow unseen")
  void headersDoNotFollowANewHost() {
    long id = data(api.post("/api/subscriptions", new JsonObject().put("name", "moving")
        .put("url", callbacks.url("/here")).put("headers", new JsonObject().put("Authorization", "Bearer s3cr3t-value"))))
        .getLong("id");
    JsonObject read = data(api.get("/api/subscriptions/" + id));
    var moved = api.put("/api/subscriptions/" + id, read.copy().put("url", "https://elsewhere.example/hook"));
    assertError(moved, 400, "bad_parameter");
    assertTrue(moved.bodyAsString().contains("subscription.headers"), moved.bodyAsString());
    assertEquals(callbacks.url("/here"), TestPostgres.queryString("SELECT url FROM subscriptions WHERE id = " + id));
    assertEquals(200, api.put("/api/subscriptions/" + id, read.copy().put("url", "https://elsewhere.example/hook")
        .put("headers", new JsonObject().put("Authorization", "Bearer new-value"))).statusCode());
  }

  @Test
  @DisplayName("PUT replaces a subscription but keeps the secret and headers when omitted; DELETE removes it")
  void replaceAndDelete() {
    JsonObject created = data(api.post("/api/subscriptions", new JsonObject().put("name", "crm")
        .put("url", callbacks.url("/old")).put("headers", new JsonObject().put("X-Token", "t0k3n-value"))));
    long id = created.getLong("id");

    JsonObject replaced = data(api.put("/api/subscriptions/" + id, new JsonObject().put("name", "crm-v2")
        .put("url", callbacks.url("/new")).put("events", new JsonArray().add("message.received"))
        .put("schedule", new JsonArray().add("1s").add("5s")).put("timeout", "3s").put("enabled", true)));
    assertEquals("crm-v2", replaced.getString("name"));
    assertEquals(new JsonArray().add("1s").add("5s"), replaced.getJsonArray("schedule"));
    assertEquals("3s", replaced.getString("timeout"));
    assertEquals(created.getString("secret"),
        TestPostgres.queryString("SELECT secret FROM subscriptions WHERE id = " + id));
    assertEquals("t0k3n-value", TestPostgres.queryString("SELECT headers->>'X-Token' FROM subscriptions WHERE id = " + id));

    // What a GET shows (masked secret and header, id, origin) can be edited and sent back as is.
    JsonObject edited = data(api.get("/api/subscriptions/" + id)).put("maxConcurrency", 3);
    assertEquals(3, data(api.put("/api/subscriptions/" + id, edited)).getInteger("maxConcurrency"));
    assertEquals(created.getString("secret"),
        TestPostgres.queryString("SELECT secret FROM subscriptions WHERE id = " + id));
    assertEquals("t0k3n-value", TestPostgres.queryString("SELECT headers->>'X-Token' FROM subscriptions WHERE id = " + id));

    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    Await.until("the replaced URL got the event", WAIT, () -> callbacks.at("/new").size() == 1);
    assertEquals(0, callbacks.at("/old").size());
    Await.until("its attempt is logged", WAIT, () -> TestPostgres.count("SELECT * FROM delivery_attempts") == 1);

    var kept = api.delete("/api/subscriptions/" + id, null);
    assertError(kept, 409, "conflict");
    assertTrue(kept.bodyAsJsonObject().getString("detail").contains("?purge=true"), kept.bodyAsString());
    assertEquals(1, TestPostgres.count("SELECT * FROM deliveries"), "a delete without purge keeps everything");
    var deleted = api.delete("/api/subscriptions/" + id + "?purge=true", null);
    assertEquals(204, deleted.statusCode());
    assertError(api.get("/api/subscriptions/" + id), 404, "not_found");
    assertEquals(0, TestPostgres.count("SELECT * FROM deliveries"), "its deliveries went with it");
    assertEquals(0, TestPostgres.count("SELECT * FROM delivery_attempts"), "and their attempts");
  }

  @Test
  @DisplayName("a URL delivery would refuse on sight is refused when the subscription is created, with the guard's reason")
  void unreachableByPolicy() {
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("delivery").put("allowPrivateNetworks", false);
    Vertx strictVertx = Vertx.vertx(); // a second router, with its own bus
    ManagementClient strict = new ManagementClient(TestRouter.start(strictVertx, tree));

    var refused = strict.post("/api/subscriptions", new JsonObject().put("name", "local").put("url", callbacks.url("/x")));
    Await.result(strictVertx.close());

    assertError(refused, 400, "bad_parameter");
    String detail = refused.bodyAsJsonObject().getString("detail");
    assertTrue(detail.contains("subscription.url") && detail.contains("internal address 127.0.0.1"), detail);
    assertTrue(detail.contains("allowPrivateNetworks"), detail);
  }

  @Test
  @DisplayName("invalid input is 400 naming the key; a taken name and config-owned subscriptions are 409; unknown ids 404")
  void failures() {
    assertError(api.post("/api/subscriptions", new JsonObject().put("name", "x").put("url", "ftp://example.com")),
        400, "bad_parameter");
    var noName = api.post("/api/subscriptions", new JsonObject().put("url", callbacks.url("/x")));
    assertError(noName, 400, "bad_parameter");
    assertTrue(noName.bodyAsJsonObject().getString("detail").contains("subscription.name"));
    assertError(api.post("/api/subscriptions", new JsonObject().put("name", "x").put("url", callbacks.url("/x"))
        .put("secret", "whsec_%%%")), 400, "bad_parameter");
    assertError(api.post("/api/subscriptions", new JsonObject().put("name", "x").put("url", callbacks.url("/x"))
        .put("colour", "blue")), 400, "bad_parameter");
    assertError(api.post("/api/subscriptions", new JsonObject().put("name", "x").put("url", callbacks.url("/x"))
        .put("maxConcurrency", 0)), 400, "bad_parameter");

    assertError(api.post("/api/subscriptions", new JsonObject().put("name", "from-file").put("url", callbacks.url("/x"))),
        409, "conflict");
    JsonObject ok = data(api.post("/api/subscriptions", new JsonObject().put("name", "x").put("url", callbacks.url("/x"))));
    JsonObject other = data(api.post("/api/subscriptions", new JsonObject().put("name", "y").put("url", callbacks.url("/y"))));
    assertError(api.put("/api/subscriptions/" + other.getLong("id"),
        new JsonObject().put("name", "x").put("url", callbacks.url("/y"))), 409, "conflict");

    long fromFile = api.get("/api/subscriptions").bodyAsJsonObject().getJsonArray("data").stream()
        .map(JsonObject.class::cast).filter(s -> "config".equals(s.getString("origin"))).findFirst().orElseThrow().getLong("id");
    assertError(api.put("/api/subscriptions/" + fromFile,
        new JsonObject().put("name", "from-file").put("url", callbacks.url("/z"))), 409, "conflict");
    assertError(api.delete("/api/subscriptions/" + fromFile, null), 409, "conflict");

    assertError(api.get("/api/subscriptions/999"), 404, "not_found");
    assertError(api.put("/api/subscriptions/999", new JsonObject().put("name", "z").put("url", callbacks.url("/z"))
        .put("secret", "s").put("headers", new JsonObject())), 404, "not_found");
    assertError(api.delete("/api/subscriptions/999", null), 404, "not_found");
    assertError(api.get("/api/subscriptions/abc"), 400, "bad_parameter");
    assertTrue(ok.getLong("id") > 0);
  }

  @Test
  @DisplayName("retrying a delivery of a disabled subscription is 409: nothing would send it")
  void retryDisabled() {
    callbacks.script(r -> new Answer(500, null, 0));
    JsonObject created = data(api.post("/api/subscriptions", new JsonObject().put("name", "crm").put("url", callbacks.url("/crm"))));
    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    Await.until("the delivery failed", WAIT,
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'failed'") == 1);
    long deliveryId = TestPostgres.queryLong("SELECT id FROM deliveries");

    data(api.put("/api/subscriptions/" + created.getLong("id"), new JsonObject().put("name", "crm")
        .put("url", callbacks.url("/crm")).put("enabled", false)));
    assertError(api.post("/api/webhook/retry/" + deliveryId, null), 409, "conflict");
    assertEquals(0, data(api.post("/api/webhook/replay", new JsonObject())).getInteger("queued"));
  }
}
