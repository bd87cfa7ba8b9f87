package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.RouterProcess;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("Two router processes on one Postgres")
class MultiInstanceTest {

  private static final int EVENTS = 200;

  @Test
  @DisplayName("a burst posted to both is delivered exactly once per event: none missed, none sent twice")
  void noDoubleDelivery(Vertx vertx, @TempDir Path dir) throws Exception {
    TestPostgres.reset();
    CallbackServer callbacks = new CallbackServer(vertx).start();
    List<RouterProcess> routers = new ArrayList<>();
    List<Integer> ports = List.of(TestRouter.freePort(), TestRouter.freePort());
    try {
      for (int i = 0; i < 2; i++) {
        Path config = dir.resolve("config-" + i + ".yaml");
        Files.writeString(config, """
            http: { port: %d, host: 127.0.0.1 }
            sources: [ { name: meta, kind: meta, appSecret: %s } ]
            subscriptions:
              - { name: crm, url: "%s", events: ["*"], secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, maxConcurrency: 4 }
            delivery: { allowHttp: true, allowPrivateNetworks: true, pollInterval: 100ms }
            storage: { url: "%s" }
            """.formatted(ports.get(i), Fixtures.APP_SECRET, callbacks.url("/crm"), TestPostgres.url()));
        routers.add(new RouterProcess(config, dir.resolve("router-" + i + ".log"), ports.get(i)).start());
      }
      WebClient client = WebClient.create(vertx);
      List<Future<Integer>> posts = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        byte[] body = Fixtures.unique("meta-text-01.json", "multi" + i);
        posts.add(client.post(ports.get(i % 2), "127.0.0.1", "/webhooks/meta")
            .putHeader("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body))
            .sendBuffer(Buffer.buffer(body)).map(r -> r.statusCode()));
      }
      Await.result(Future.all(posts));
      posts.forEach(p -> assertEquals(200, p.result()));

      Await.until("every event delivered", Duration.ofSeconds(30),
          () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == EVENTS);
      Map<String, Long> perId = callbacks.received.stream()
          .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
      assertEquals(EVENTS, perId.size(), "none missed");
      assertEquals(Map.of(), perId.entrySet().stream().filter(e -> e.getValue() > 1)
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "none sent twice");
      assertEquals(EVENTS, TestPostgres.count("SELECT * FROM delivery_attempts"));
    } finally {
      for (RouterProcess router : routers) {
        router.stop();
      }
    }
  }
}
