package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ack: immediate under overload: storage's queue is tiny (storage.maxBatchSize 1 holds 16 writes), and a
 * burst far larger than that arrives at once. Every 200 must still become a row: once too many writes are
 * in flight, answers wait for the commit (or say 503) instead of acknowledging what storage will refuse.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("ack: immediate under overload")
class ImmediateAckTest {

  private static final int BURST = 400;

  @Test
  @DisplayName("a burst beyond storage's queue: every acknowledged webhook is stored")
  void acknowledgesOnlyWhatStorageTakes(Vertx vertx) {
    TestPostgres.reset();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("ingress").put("ack", "immediate");
    tree.getJsonObject("storage").put("maxBatchSize", 1);
    TestRouter router = TestRouter.start(vertx, tree);

    // One connection per request, so the whole burst is in flight at once (the default pool holds 5).
    WebClient client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(BURST));
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      byte[] body = Fixtures.unique("meta-text-01.json", "burst-" + i);
      answers.add(client.post(router.port, "127.0.0.1", "/webhooks/meta")
          .putHeader("content-type", "application/json")
          .putHeader("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body))
          .sendBuffer(Buffer.buffer(body)));
    }
    Await.result(Future.join(answers));
    long acknowledged = answers.stream().filter(a -> a.succeeded() && a.result().statusCode() == 200).count();
    long refused = answers.stream().filter(a -> a.succeeded() && a.result().statusCode() == 503).count();
    assertEquals(BURST, acknowledged + refused, "every request answered 200 or 503");
    assertTrue(acknowledged > 0, "some were acknowledged");

    Await.until("the acknowledged writes committed", Duration.ofSeconds(20),
        () -> TestPostgres.count("SELECT * FROM inbound_webhooks") >= acknowledged);
    assertTrue(TestPostgres.count("SELECT * FROM inbound_webhooks") >= acknowledged);
  }
}
