package io.switchboard.ingress;

import static io.switchboard.support.ManagementClient.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.CallbackServer;
import io.switchboard.support.ManagementClient;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Management API: a test send obeys the SSRF guard")
class TestSendGuardTest {

  @Test
  @DisplayName("with private networks refused, a test send to 127.0.0.1 is not made and the refusal is reported")
  void refusedLikeADelivery(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = new CallbackServer(vertx).start();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("delivery").put("allowPrivateNetworks", false);
    ManagementClient api = new ManagementClient(TestRouter.start(vertx, tree));

    JsonObject answer = data(api.post("/api/webhook/test", new JsonObject().put("url", callbacks.url("/probe"))));
    assertNull(answer.getInteger("status"));
    assertTrue(answer.getString("error").contains("internal address"), answer.getString("error"));
    assertEquals(0, callbacks.received.size());
  }
}
