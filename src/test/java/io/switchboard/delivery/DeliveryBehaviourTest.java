package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.CallbackServer.Answer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Delivery against misbehaving endpoints")
class DeliveryBehaviourTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private Vertx vertx;
  private CallbackServer callbacks;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    TestPostgres.reset();
    callbacks = new CallbackServer(vertx).start();
  }

  private TestRouter router(JsonObject subscription, boolean allowPrivate) {
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(subscription);
    tree.getJsonObject("delivery").put("allowPrivateNetworks", allowPrivate);
    return TestRouter.start(vertx, tree);
  }

  @Test
  @DisplayName("429 with Retry-After: 3 is honoured over the schedule")
  void retryAfterHonoured() {
    AtomicInteger calls = new AtomicInteger();
    callbacks.script(r -> calls.incrementAndGet() == 1 ? new Answer(429, "3", 0) : Answer.ok());
    TestRouter router = router(TestRouter.subscription("crm", callbacks.url("/crm"), "*"), true);
    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    Await.until("the second attempt", WAIT, () -> callbacks.received.size() == 2);
    long gap = (callbacks.received.get(1).atNanos() - callbacks.received.get(0).atNanos()) / 1_000_000;
    assertTrue(gap >= 3000 && gap < 4500, "retried after Retry-After (3s), not the 200ms schedule: " + gap);
  }

  @Test
  @DisplayName("a hanging endpoint times out and is retried")
  void hangingEndpointTimesOut() {
    AtomicInteger calls = new AtomicInteger();
    callbacks.script(r -> calls.incrementAndGet() == 1 ? new Answer(200, null, 5_000) : Answer.ok());
    TestRouter router = router(TestRouter.subscription("crm", callbacks.url("/crm"), "*").put("timeout", "500ms"), true);
    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    Await.until("the delivery succeeded", WAIT,
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == 1);
    assertEquals(2, TestPostgres.count("SELECT * FROM delivery_attempts"));
    String firstError = TestPostgres.queryString("SELECT error FROM delivery_attempts WHERE attempt = 1");
    assertTrue(firstError != null && firstError.toLowerCase().contains("timeout"), firstError);
    assertTrue(TestPostgres.queryLong("SELECT latency_ms FROM delivery_attempts WHERE attempt = 1") >= 500);
  }

  @Test
  @DisplayName("the concurrency limit is never exceeded, as measured by the server")
  void concurrencyLimit() {
    callbacks.script(r -> new Answer(200, null, 100));
    TestRouter router = router(TestRouter.subscription("crm", callbacks.url("/crm"), "*").put("maxConcurrency", 3), true);
    for (int i = 0; i < 30; i++) {
      assertEquals(200, router.postMeta(Fixtures.unique("meta-text-01.json", "c" + i)).statusCode());
    }
    Await.until("30 deliveries", WAIT, () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == 30);
    assertEquals(3, callbacks.maxInFlight.get(), "saw at most 3 at once, and did use all 3");
  }

  @Test
  @DisplayName("a 4xx other than 408/429 fails at once, without retries")
  void clientErrorFailsAtOnce() {
    callbacks.script(r -> new Answer(410, null, 0));
    TestRouter router = router(TestRouter.subscription("crm", callbacks.url("/crm"), "*"), true);
    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    Await.until("the delivery failed", WAIT, () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'failed'") == 1);
    assertEquals(1, callbacks.received.size());
  }

  @Test
  @DisplayName("URLs on 169.254.169.254 or 10.0.0.1 stored earlier (before the rule, or by an instance allowing private networks) are refused by the SSRF guard at send time, without a request")
  void ssrfGuard() {
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("delivery").put("allowPrivateNetworks", false);
    for (String[] s : new String[][] {{"metadata", "http://169.254.169.254/latest/meta-data/"},
        {"private", "http://10.0.0.1/hooks"}}) {
      TestPostgres.execute("INSERT INTO subscriptions (name, origin, url, events, format, secret, timeout_ms, schedule_ms,"
          + " max_concurrency, enabled) VALUES ('" + s[0] + "', 'api', '" + s[1] + "', '{*}', 'normalized', 'secret',"
          + " 2000, '{200,400}', 10, true)");
    }
    TestRouter router = TestRouter.start(vertx, tree);
    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    Await.until("both deliveries failed", WAIT, () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'failed'") == 2);
    assertEquals(2, TestPostgres.count("SELECT * FROM delivery_attempts WHERE status_code IS NULL AND error LIKE 'refused%internal address%'"));
  }
}
