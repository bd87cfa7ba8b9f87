package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("A hostile event glob")
class HostileGlobTest {

  private static final int WEBHOOKS = 20;

  /**
   * The row is written straight into Postgres, as a version that did not yet validate globs stored it: the
   * API refuses this glob now, but the matcher must hold against what is already in the table.
   */
  @Test
  @DisplayName("a stored subscription whose glob is * forty times then x does not pin the event loop: others get their deliveries, /health/live answers")
  void fortyStarsThenX(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = new CallbackServer(vertx).start();
    TestPostgres.execute("""
        INSERT INTO subscriptions (name, origin, url, events, format, secret, timeout_ms, schedule_ms,
                                   max_concurrency, enabled)
        VALUES ('legacy', 'api', '%s', ARRAY['%s'], 'normalized', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 2000,
                '{200}', 10, true)""".formatted(callbacks.url("/legacy"), "*".repeat(40) + "x"));
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("crm", callbacks.url("/crm"), "message.*"));
    TestRouter router = TestRouter.start(vertx, tree);

    for (int i = 0; i < WEBHOOKS; i++) {
      assertEquals(200, router.postMeta(Fixtures.unique("meta-text-01.json", "glob" + i)).statusCode());
    }
    Await.until(WEBHOOKS + " deliveries to the healthy subscriber", Duration.ofSeconds(15),
        () -> callbacks.at("/crm").size() >= WEBHOOKS);
    assertEquals(List.of(), callbacks.at("/legacy"), "nothing matches the hostile glob");
    assertEquals(List.of(200, 200, 200, 200, 200, 200), liveOnFreshConnections(vertx, router.port, 6));
  }

  /** One connection each, so every event loop's ingress instance gets asked; a pinned loop times out. */
  private static List<Integer> liveOnFreshConnections(Vertx vertx, int port, int times) {
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      var client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      answers.add(client.request(new RequestOptions().setMethod(HttpMethod.GET).setPort(port).setHost("127.0.0.1")
              .setURI("/health/live").setTimeout(2000))
          .compose(request -> request.send()).map(response -> response.statusCode())
          .eventually(() -> client.close()));
    }
    Await.result(Future.all(answers));
    return answers.stream().map(Future::result).toList();
  }
}
