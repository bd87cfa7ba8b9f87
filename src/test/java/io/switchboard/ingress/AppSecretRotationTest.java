package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Meta's app-secret reset: while both secrets are configured, a body signed with either is accepted. */
@ExtendWith(VertxExtension.class)
@DisplayName("App secret rotation")
class AppSecretRotationTest {

  private static final byte[] BODY = Fixtures.bytes("meta-text-01.json");

  private TestRouter router;

  @BeforeEach
  void start(Vertx vertx) {
    TestPostgres.reset();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("sources")
        .add(new JsonObject().put("name", "rotating").put("kind", "meta").put("appSecret", "old-app-secret")
            .put("appSecrets", new JsonArray().add("new-app-secret")))
        .add(new JsonObject().put("name", "listed").put("kind", "meta")
            .put("appSecrets", new JsonArray().add("first-secret").add("second-secret")));
    router = TestRouter.start(vertx, tree);
  }

  private int post(String source, String secret) {
    return router.post(source, BODY, Map.of("X-Hub-Signature-256", Fixtures.metaSignature(secret, BODY))).statusCode();
  }

  @Test
  @DisplayName("appSecret beside appSecrets: the old and the new secret both sign; any other is 401")
  void oldAndNewSecret() {
    assertEquals(200, post("rotating", "old-app-secret"));
    assertEquals(200, post("rotating", "new-app-secret"));
    assertEquals(401, post("rotating", "another-secret"));
    assertEquals(2, TestPostgres.count("SELECT * FROM inbound_webhooks WHERE source = 'rotating'"));
  }

  @Test
  @DisplayName("appSecrets alone: each listed secret signs, a body signed for another source does not")
  void listedSecrets() {
    assertEquals(200, post("listed", "first-secret"));
    assertEquals(200, post("listed", "second-secret"));
    assertEquals(401, post("listed", "old-app-secret"));
  }
}
