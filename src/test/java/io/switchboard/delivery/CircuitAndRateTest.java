package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Circuit breaking, rate limits and auto-disable")
class CircuitAndRateTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  @DisplayName("the breaker opens after the threshold, lets one probe through after the cooldown, and closes on success")
  void breakerStates() {
    CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(1), Duration.ofSeconds(4));
    assertTrue(breaker.allowsRequest(0));
    assertFalse(breaker.failed(0));
    assertFalse(breaker.failed(0));
    assertTrue(breaker.failed(0), "third failure opens");
    assertFalse(breaker.allowsRequest(SECOND / 2));
    assertTrue(breaker.allowsRequest(SECOND), "half-open after the cooldown");
    breaker.started();
    assertFalse(breaker.allowsRequest(SECOND), "only one probe at a time");
    assertTrue(breaker.failed(SECOND), "a failed probe re-opens");
    assertFalse(breaker.allowsRequest(2 * SECOND), "with a doubled cooldown");
    assertTrue(breaker.allowsRequest(3 * SECOND));
    assertEquals(Duration.ofSeconds(3), breaker.failingFor(3 * SECOND));
    assertTrue(breaker.failed(3 * SECOND), "a failed probe re-opens again");
    assertFalse(breaker.allowsRequest(3 * SECOND + 1));
    breaker.probeNow(3 * SECOND + 2);
    assertTrue(breaker.allowsRequest(3 * SECOND + 2), "an operator's retry lets the probe through at once");
    breaker.succeeded();
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    assertEquals(Duration.ZERO, breaker.failingFor(4 * SECOND));
  }

  @Test
  @DisplayName("a probe that ends without a verdict (refused before sending) lets the next request probe")
  void abandonedProbe() {
    CircuitBreaker breaker = new CircuitBreaker(1, Duration.ofSeconds(1), Duration.ofSeconds(4));
    assertTrue(breaker.failed(0));
    assertTrue(breaker.allowsRequest(SECOND));
    breaker.started();
    assertFalse(breaker.allowsRequest(SECOND));
    breaker.probeAbandoned();
    assertTrue(breaker.allowsRequest(SECOND), "not shut for good");
  }

  @Test
  @DisplayName("a half-open probe answered 4xx closes the circuit: the endpoint answered, later deliveries flow")
  void probeAnswered4xx(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = new CallbackServer(vertx).start();
    java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();
    callbacks.script(r -> switch (phase.get()) {
      case 0 -> new Answer(503, null, 0);
      case 1 -> new Answer(400, null, 0);
      default -> Answer.ok();
    });
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("delivery").put("circuitThreshold", 1).put("circuitCooldown", "500ms").put("schedule", "10m");
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("crm", callbacks.url("/crm"), "*").put("maxConcurrency", 1));
    TestRouter router = TestRouter.start(vertx, tree);

    router.postMeta(io.switchboard.support.Fixtures.unique("meta-text-01.json", "open"));
    io.switchboard.support.Await.until("the circuit opened", java.time.Duration.ofSeconds(10), () -> callbacks.received.size() == 1);
    phase.set(1);
    router.postMeta(io.switchboard.support.Fixtures.unique("meta-text-01.json", "probe"));
    io.switchboard.support.Await.until("the probe was answered 400", java.time.Duration.ofSeconds(20), () -> callbacks.received.size() == 2);
    phase.set(2);
    router.postMeta(io.switchboard.support.Fixtures.unique("meta-text-01.json", "after"));
    io.switchboard.support.Await.until("a later delivery goes through", java.time.Duration.ofSeconds(10), () -> callbacks.accepted.size() == 1);
  }

  @Test
  @DisplayName("the rate limiter allows one second's burst, then paces evenly")
  void rateLimiter() {
    RateLimiter limiter = new RateLimiter(120, 0);
    assertTrue(limiter.tryAcquire(0));
    assertTrue(limiter.tryAcquire(0));
    assertFalse(limiter.tryAcquire(0));
    assertEquals(SECOND / 2, limiter.nanosUntilNext(0));
    assertTrue(limiter.tryAcquire(SECOND / 2));
    assertEquals(0, limiter.available(SECOND / 2));
  }

  @Test
  @DisplayName("a continuously failing endpoint stops being hammered, is probed, and resumes when it recovers")
  void circuitOverHttp(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = new CallbackServer(vertx).start();
    AtomicBoolean healthy = new AtomicBoolean(false);
    callbacks.script(r -> healthy.get() ? Answer.ok() : new Answer(503, null, 0));
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("delivery").put("circuitThreshold", 3).put("circuitCooldown", "1500ms")
        .put("schedule", "100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms");
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("crm", callbacks.url("/crm"), "*").put("maxConcurrency", 1));
    TestRouter router = TestRouter.start(vertx, tree);
    for (int i = 0; i < 5; i++) {
      router.postMeta(Fixtures.unique("meta-text-01.json", "cb" + i));
    }
    Await.until("three failures", Duration.ofSeconds(10), () -> callbacks.received.size() >= 3);
    long opened = System.nanoTime();
    Await.until("the probe after the cooldown", Duration.ofSeconds(10), () -> callbacks.received.size() >= 4);
    long waited = (System.nanoTime() - opened) / 1_000_000;
    assertTrue(waited >= 1000, "no request while open; the probe came after " + waited + " ms");
    healthy.set(true);
    Await.until("everything delivered once healthy", Duration.ofSeconds(20),
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == 5);
  }

  @Test
  @DisplayName("ratePerMinute paces requests to one endpoint")
  void rateOverHttp(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = new CallbackServer(vertx).start();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("crm", callbacks.url("/crm"), "*").put("ratePerMinute", 240));
    TestRouter router = TestRouter.start(vertx, tree);
    for (int i = 0; i < 8; i++) {
      router.postMeta(Fixtures.unique("meta-text-01.json", "rate" + i));
    }
    Await.until("eight deliveries", Duration.ofSeconds(15), () -> callbacks.received.size() == 8);
    long spread = (callbacks.received.get(7).atNanos() - callbacks.received.get(0).atNanos()) / 1_000_000;
    // 4 per second with a burst of 4: the last four wait ~1 s in all.
    assertTrue(spread >= 900, "eight requests at 4/s took " + spread + " ms");
  }

  @Test
  @DisplayName("a subscription failing longer than delivery.disableAfter is switched off")
  void autoDisable(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = new CallbackServer(vertx).start();
    callbacks.script(r -> new Answer(500, null, 0));
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("delivery").put("disableAfter", "300ms").put("schedule", "200ms,200ms,200ms,200ms");
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("crm", callbacks.url("/crm"), "*"));
    TestRouter router = TestRouter.start(vertx, tree);
    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    Await.until("the subscription is disabled", Duration.ofSeconds(10),
        () -> "f".equals(TestPostgres.queryString("SELECT enabled FROM subscriptions WHERE name = 'crm'")));
  }
}
