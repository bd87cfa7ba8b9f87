package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.CallbackServer.Answer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The one-way pipeline: first attempts from memory, the rest from Postgres")
class PipelineTest {

  private CallbackServer callbacks;

  @BeforeEach
  void start(Vertx vertx) {
    TestPostgres.reset();
    callbacks = new CallbackServer(vertx).start();
  }

  private static JsonObject config(JsonObject subscription, String pollInterval) {
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(subscription);
    tree.getJsonObject("delivery").put("pollInterval", pollInterval);
    return tree;
  }

  @Test
  @DisplayName("a fresh delivery is sent at once from memory: stored leased (no claim could take it) and no poll for an hour")
  void firstAttemptFromMemory(Vertx vertx, VertxTestContext test) throws Exception {
    Checkpoint delivered = test.checkpoint();
    callbacks.script(r -> {
      delivered.flag();
      return Answer.ok();
    });
    TestRouter router = TestRouter.start(vertx, config(TestRouter.subscription("crm", callbacks.url("/crm"), "message.*"), "1h"));

    assertEquals(200, router.postMeta(Fixtures.bytes("meta-text-01.json")).statusCode());

    assertTrue(test.awaitCompletion(10, TimeUnit.SECONDS), "the callback arrived");
    Await.until("the attempt is recorded", Duration.ofSeconds(10),
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded' AND attempts = 1") == 1);
    assertEquals(1, TestPostgres.count("SELECT * FROM delivery_attempts WHERE attempt = 1 AND outcome = 'succeeded'"));
  }

  @Test
  @DisplayName("an endpoint that cannot keep up holds only its room in memory; the rest waits in Postgres, due, and arrives once each")
  void slowEndpointLeavesBacklogInPostgres(Vertx vertx) {
    AtomicBoolean slow = new AtomicBoolean(true);
    callbacks.script(r -> new Answer(200, null, slow.get() ? 1_500 : 0));
    JsonObject subscription = TestRouter.subscription("crm", callbacks.url("/crm"), "message.*").put("maxConcurrency", 1);
    TestRouter router = TestRouter.start(vertx, config(subscription, "200ms"));

    int messages = 40;
    postConcurrently(vertx, router.port, messages, "slow");

    Await.until("most of the backlog is handed back to Postgres, due now", Duration.ofSeconds(10),
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= now()") >= 20);
    slow.set(false);
    Await.until("every message delivered", Duration.ofSeconds(30),
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == messages);
    assertEquals(messages, callbacks.received.stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet()).size());
    assertEquals(messages, callbacks.received.size(), "none sent twice");
    assertEquals(1, callbacks.maxInFlight.get(), "maxConcurrency held");
  }

  static void postConcurrently(Vertx vertx, int port, int messages, String tag) {
    WebClient client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(messages));
    List<Future<Integer>> posts = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      byte[] body = Fixtures.unique("meta-text-01.json", tag + i);
      posts.add(client.post(port, "127.0.0.1", "/webhooks/meta")
          .putHeader("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body))
          .sendBuffer(Buffer.buffer(body)).map(r -> r.statusCode()));
    }
    Await.result(Future.all(posts));
    posts.forEach(p -> assertEquals(200, p.result()));
  }
}
