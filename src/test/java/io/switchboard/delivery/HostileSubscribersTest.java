package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Subscribers that trickle, flood or hide behind tricky names")
class HostileSubscribersTest {

  private static final Buffer MEGABYTE = Buffer.buffer(new byte[1024 * 1024]);

  private Vertx vertx;
  private CallbackServer healthy;
  private final AtomicLong flooded = new AtomicLong();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    TestPostgres.reset();
    healthy = new CallbackServer(vertx).start();
  }

  /** Answers 200 at once, then one byte of its chunked body every 100 ms, for as long as it is let. */
  private HttpServer trickler() {
    return Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      HttpServerResponse response = request.response().setChunked(true).setStatusCode(200);
      response.writeHead();
      long timer = vertx.setPeriodic(100, id -> response.write("x"));
      response.closeHandler(v -> vertx.cancelTimer(timer));
    })).listen(0, "127.0.0.1"));
  }

  /** Answers 200 and streams up to 128 MB of body as fast as the client takes it, counting what it wrote. */
  private HttpServer flooder() {
    return Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      HttpServerResponse response = request.response().setChunked(true).setStatusCode(200);
      flood(response, 128);
    })).listen(0, "127.0.0.1"));
  }

  private void flood(HttpServerResponse response, int megabytes) {
    if (megabytes == 0 || response.closed()) {
      response.end();
      return;
    }
    response.write(MEGABYTE).onComplete(done -> {
      if (done.succeeded()) {
        flooded.addAndGet(MEGABYTE.length());
        flood(response, megabytes - 1);
      }
    });
  }

  private static JsonObject subscription(String name, String url) {
    return TestRouter.subscription(name, url, "message.*").put("timeout", "1s").put("schedule", "10m");
  }

  @Test
  @DisplayName("one deadline per attempt and a capped read: a trickler times out, a flooder is cut off, a healthy subscriber keeps its pace")
  void trickleAndFlood() {
    HttpServer trickler = trickler();
    HttpServer flooder = flooder();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions")
        .add(subscription("healthy", healthy.url("/ok")))
        .add(subscription("trickle", "http://127.0.0.1:" + trickler.actualPort() + "/t"))
        .add(subscription("flood", "http://127.0.0.1:" + flooder.actualPort() + "/f"));
    TestRouter router = TestRouter.start(vertx, tree);
    // The router shares this JVM: its heap growth while the floods run is what they cost it.
    java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
    System.gc();
    long baseline = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(baseline);
    long sampler = vertx.setPeriodic(20, id -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max));

    int messages = 30;
    List<Long> posted = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      posted.add(System.nanoTime());
      assertEquals(200, router.postMeta(Fixtures.unique("meta-text-01.json", "hostile" + i)).statusCode());
    }
    Await.until("every message reached the healthy subscriber", Duration.ofSeconds(20),
        () -> healthy.received.size() >= messages);
    long[] latencies = new long[messages];
    for (int i = 0; i < messages; i++) {
      String suffix = "-hostile" + i;
      long arrived = healthy.received.stream()
          .filter(r -> r.json().getJsonObject("data").getString("message_id").endsWith(suffix))
          .mapToLong(CallbackServer.Received::atNanos).min().orElseThrow();
      latencies[i] = arrived - posted.get(i);
    }
    Arrays.sort(latencies);
    assertTrue(latencies[(int) Math.ceil(0.99 * messages) - 1] < Duration.ofSeconds(1).toNanos(),
        "healthy p99 under 1 s: " + Arrays.toString(latencies));

    Await.until("every trickled and flooded attempt recorded", Duration.ofSeconds(30),
        () -> TestPostgres.count("SELECT * FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id"
            + " JOIN subscriptions s ON s.id = d.subscription_id WHERE s.name IN ('trickle', 'flood')") == 2L * messages);
    assertEquals(0, TestPostgres.count("SELECT * FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id"
        + " JOIN subscriptions s ON s.id = d.subscription_id WHERE s.name = 'trickle'"
        + " AND (a.outcome <> 'retry' OR a.latency_ms > 1500 OR a.error NOT LIKE '%no complete answer within 1000 ms%')"),
        "every trickled attempt ends at its one-second deadline, as a retry");
    assertEquals(0, TestPostgres.count("SELECT * FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id"
        + " JOIN subscriptions s ON s.id = d.subscription_id WHERE s.name = 'flood'"
        + " AND (a.outcome <> 'succeeded' OR length(a.response_body) > 1024)"),
        "a flooded attempt keeps its 200 and the first KiB only");
    vertx.cancelTimer(sampler);
    assertTrue(peak.get() - baseline < 512L * 1024 * 1024,
        "heap grew by " + (peak.get() - baseline) / (1024 * 1024) + " MB under the floods");
    assertTrue(flooded.get() < messages * 16L * 1024 * 1024,
        "the router stopped reading each flood early: " + flooded.get() / (1024 * 1024) + " MB written in all");
  }

  @Test
  @DisplayName("with private networks refused, localhost. (trailing dot) is refused where a subscription is defined, and a test send to it reaches nothing")
  void trailingDotRefused() {
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("delivery").put("allowPrivateNetworks", false);
    String url = healthy.url("/ok").replace("127.0.0.1", "localhost.");
    JsonObject withSubscription = tree.copy();
    withSubscription.getJsonArray("subscriptions").add(TestRouter.subscription("crm", url, "message.*"));
    io.switchboard.config.ConfigException refused = org.junit.jupiter.api.Assertions.assertThrows(
        io.switchboard.config.ConfigException.class,
        () -> io.switchboard.config.ConfigLoader.fromTree(withSubscription, java.util.Map.of()));
    assertTrue(refused.getMessage().contains("subscriptions[0].url: localhost. is this machine"), refused.getMessage());

    io.switchboard.support.ManagementClient api = new io.switchboard.support.ManagementClient(TestRouter.start(vertx, tree));
    JsonObject answer = io.switchboard.support.ManagementClient.data(
        api.post("/api/webhook/test", new JsonObject().put("url", url)));
    assertTrue(answer.getString("error").contains("refused http://localhost."), answer.encode());
    assertEquals(0, healthy.received.size());
  }
}
