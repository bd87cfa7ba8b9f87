package io.switchboard.ingress;

import static io.switchboard.support.ManagementClient.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.ManagementClient;
import io.switchboard.support.StandardWebhooksVerifier;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Management API: rotating a subscription's signing secret without downtime")
class SecretRotationTest {

  @Test
  @DisplayName("during the window a receiver holding the old secret and one holding the new both verify every delivery (reference library); after it only the new one does")
  void rotateWithoutDowntime(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = new CallbackServer(vertx).start();
    TestRouter router = TestRouter.start(vertx, TestRouter.baseConfig());
    ManagementClient api = new ManagementClient(router);
    JsonObject created = data(api.post("/api/subscriptions", new JsonObject().put("name", "crm")
        .put("url", callbacks.url("/crm")).put("events", new io.vertx.core.json.JsonArray().add("message.*"))));
    String oldSecret = created.getString("secret");

    CallbackServer.Received before = deliver(router, callbacks, "before");
    var rotated = api.post("/api/subscriptions/" + created.getLong("id") + "/rotate-secret",
        new JsonObject().put("expireOldAfter", "3s"));
    assertEquals(200, rotated.statusCode(), rotated.bodyAsString());
    String newSecret = data(rotated).getString("secret");
    assertNotEquals(oldSecret, newSecret);
    Instant until = Instant.parse(data(rotated).getString("previousSecretUntil"));
    assertTrue(data(api.get("/api/subscriptions/" + created.getLong("id"))).getString("secret").contains("…"),
        "the new secret is shown once");

    CallbackServer.Received during = deliver(router, callbacks, "during");
    Await.until("the window has ended", Duration.ofSeconds(10), () -> Instant.now().isAfter(until.plusMillis(100)));
    CallbackServer.Received after = deliver(router, callbacks, "after");

    assertEquals(List.of("ok", "ok"), StandardWebhooksVerifier.verify(oldSecret, List.of(before, during)));
    assertEquals(List.of("ok", "ok"), StandardWebhooksVerifier.verify(newSecret, List.of(during, after)));
    assertTrue(StandardWebhooksVerifier.verify(oldSecret, List.of(after)).get(0).startsWith("fail"));
    assertTrue(StandardWebhooksVerifier.verify(newSecret, List.of(before)).get(0).startsWith("fail"));
  }

  @Test
  @DisplayName("a config-owned subscription is rotated in its file: the API answers 409")
  void configOwned(Vertx vertx) {
    TestPostgres.reset();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("file", "http://127.0.0.1:9/x", "*"));
    ManagementClient api = new ManagementClient(TestRouter.start(vertx, tree));
    long id = TestPostgres.queryLong("SELECT id FROM subscriptions WHERE name = 'file'");

    var refused = api.post("/api/subscriptions/" + id + "/rotate-secret", new JsonObject());

    assertEquals(409, refused.statusCode());
  }

  private static CallbackServer.Received deliver(TestRouter router, CallbackServer callbacks, String tag) {
    int before = callbacks.received.size();
    assertEquals(200, router.postMeta(Fixtures.unique("meta-text-01.json", tag)).statusCode());
    Await.until(tag + " delivered", Duration.ofSeconds(10), () -> callbacks.received.size() > before);
    return callbacks.received.get(before);
  }
}
