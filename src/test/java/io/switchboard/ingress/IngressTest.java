package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Ingress over HTTP")
class IngressTest {

  private TestRouter router;

  @BeforeEach
  void start(Vertx vertx) {
    TestPostgres.reset();
    router = TestRouter.start(vertx, TestRouter.baseConfig());
  }

  @Test
  @DisplayName("the verification GET echoes the challenge for the right token, 403s a wrong one, and reports without parameters")
  void verification() {
    var ok = router.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token=" + Fixtures.VERIFY_TOKEN + "&hub.challenge=1158201444");
    assertEquals(200, ok.statusCode());
    assertEquals("1158201444", ok.bodyAsString());
    assertTrue(ok.getHeader("content-type").startsWith("text/plain"));

    assertEquals(403, router.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1").statusCode());

    var plain = router.get("/webhooks/meta");
    assertEquals(200, plain.statusCode());
    assertEquals("meta webhook operational", plain.bodyAsString());
  }

  @Test
  @DisplayName("a correctly signed Meta body is committed before the 200")
  void signedBodyIsCommitted() {
    byte[] body = Fixtures.bytes("meta-text-01.json");
    var response = router.postMeta(body);
    assertEquals(200, response.statusCode());
    long id = response.bodyAsJsonObject().getLong("inbound_id");
    // The row exists the moment the 200 is seen: the ack waited for the commit.
    assertEquals(new String(body, StandardCharsets.UTF_8),
        TestPostgres.queryString("SELECT convert_from(body, 'UTF8') FROM inbound_webhooks WHERE id = " + id));
  }

  @Test
  @DisplayName("a forged Meta signature gets 401 and stores nothing")
  void forgedSignature() {
    byte[] body = Fixtures.bytes("meta-text-01.json");
    var response = router.post("meta", body, Map.of("X-Hub-Signature-256", Fixtures.metaSignature("not-the-secret", body)));
    assertEquals(401, response.statusCode());
    assertEquals("unauthorized", response.bodyAsJsonObject().getString("code"));
    assertEquals(401, router.post("meta", body, Map.of()).statusCode());
    assertEquals(0, TestPostgres.count("SELECT * FROM inbound_webhooks"));
  }

  @Test
  @DisplayName("360dialog Basic credentials are checked: wrong ones get 401, right ones 200")
  void basicAuth() {
    byte[] body = Fixtures.bytes("360dialog-text-01.json");
    assertEquals(401, router.post("360dialog", body, Map.of("Authorization", basic("d360", "wrong"))).statusCode());
    assertEquals(401, router.post("360dialog", body, Map.of()).statusCode());
    assertEquals(200, router.post("360dialog", body, Map.of("Authorization", basic("d360", "d360-pass"))).statusCode());
    assertEquals(1, TestPostgres.count("SELECT * FROM inbound_webhooks"));
  }

  @Test
  @DisplayName("a body that is not JSON gets 400 with a JSON error, and is kept as an invalid row")
  void notJson() {
    byte[] body = "this is not json {".getBytes(StandardCharsets.UTF_8);
    var response = router.postMeta(body);
    assertEquals(400, response.statusCode());
    JsonObject error = response.bodyAsJsonObject();
    assertEquals("invalid_json", error.getString("code"));
    assertEquals("invalid", TestPostgres.queryString("SELECT status FROM inbound_webhooks"));
    assertEquals("this is not json {", TestPostgres.queryString("SELECT convert_from(body, 'UTF8') FROM inbound_webhooks"));
  }

  @Test
  @DisplayName("10 000 nested arrays are refused as 400 and kept, never crash the router")
  void deeplyNested() {
    byte[] body = ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
    assertEquals(400, router.postMeta(body).statusCode());
    assertEquals(1, TestPostgres.count("SELECT * FROM inbound_webhooks WHERE status = 'invalid'"));
    assertEquals(200, router.postMeta(Fixtures.bytes("meta-text-01.json")).statusCode());
  }

  @Test
  @DisplayName("an unknown source gets 404, an oversize body 413")
  void unknownSourceAndOversize() {
    var unknown = router.post("nope", "{}".getBytes(StandardCharsets.UTF_8), Map.of());
    assertEquals(404, unknown.statusCode());
    assertEquals("unknown_source", unknown.bodyAsJsonObject().getString("code"));

    byte[] huge = ("{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
    var tooLarge = router.postMeta(huge);
    assertEquals(413, tooLarge.statusCode());
    assertEquals("payload_too_large", tooLarge.bodyAsJsonObject().getString("code"));
    assertEquals(0, TestPostgres.count("SELECT * FROM inbound_webhooks"));
  }

  @Test
  @DisplayName("health: live always, ready once storage answers")
  void health() {
    assertEquals(200, router.get("/health/live").statusCode());
    assertEquals("ready", router.get("/health/ready").bodyAsJsonObject().getString("status"));
  }

  @Test
  @DisplayName("the debug buffer needs an admin key and shows requests newest first with secrets redacted")
  void debugBuffer() {
    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    router.post("meta", Fixtures.bytes("meta-image-01.json"), Map.of("X-Hub-Signature-256", "sha256=00"));
    assertEquals(401, router.get("/webhooks/meta/debug/recent").statusCode());
    var response = Await.result(router.client.get(router.port, "127.0.0.1", "/webhooks/meta/debug/recent?limit=5")
        .putHeader("X-API-Key", "test-admin-key").send());
    assertEquals(200, response.statusCode());
    var items = response.bodyAsJsonObject().getJsonArray("data");
    assertEquals(2, items.size());
    JsonObject newest = items.getJsonObject(0);
    assertEquals(401, newest.getInteger("status"));
    assertTrue(newest.getString("auth").startsWith("failed"));
    assertEquals("[redacted]", newest.getJsonObject("headers").getString("x-hub-signature-256"));
    assertEquals("ok", items.getJsonObject(1).getString("auth"));
  }

  private static String basic(String user, String pass) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
  }
}
