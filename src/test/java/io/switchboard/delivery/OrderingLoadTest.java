package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.Payloads;
import io.switchboard.support.RouterProcess;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 contacts × 20 messages, each contact's posted one after another (its order is the order received), to
 * an ordered subscription whose endpoint fails a fifth of its requests at random: every message arrives, and
 * each contact's messages are first tried, and first accepted, in order.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Ordered delivery under load: 200 contacts × 20 messages, a subscriber failing 20% at random")
class OrderingLoadTest {

  private static final int CONTACTS = 200;
  private static final int MESSAGES = 20;
  private static final String SUBSCRIPTION = """
      subscriptions:
        - { name: ordered, url: "%s", events: ["message.received"], secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw,
            ordering: contact, timeout: 2s, maxConcurrency: 32,
            schedule: [100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms] }
      delivery: { allowHttp: true, allowPrivateNetworks: true, pollInterval: 100ms, jitter: 0, circuitThreshold: 1000 }
      """;

  /** Every answer takes this long: a contact's next request arriving sooner would mean two in flight at once. */
  private static final long ANSWER_MILLIS = 20;

  private static CallbackServer failingFifth(Vertx vertx) {
    CallbackServer callbacks = new CallbackServer(vertx).start();
    Random random = new Random(17);
    callbacks.script(r -> {
      synchronized (random) {
        return new CallbackServer.Answer(random.nextInt(5) == 0 ? 503 : 200, null, ANSWER_MILLIS);
      }
    });
    return callbacks;
  }

  @Test
  @DisplayName("one router: every message delivered, each contact in order")
  void oneRouter(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = failingFifth(vertx);
    var tree = TestRouter.baseConfig();
    tree.getJsonObject("delivery").put("pollInterval", "100ms").put("circuitThreshold", 1000);
    tree.getJsonArray("subscriptions").add(TestRouter.subscription("ordered", callbacks.url("/ordered"), "message.received")
        .put("ordering", "contact").put("maxConcurrency", 32)
        .put("schedule", String.join(",", java.util.Collections.nCopies(12, "100ms"))));
    TestRouter router = TestRouter.start(vertx, tree);
    Poster poster = new Poster(vertx, i -> router.port);

    Await.result(poster.postAll(null), Duration.ofSeconds(120));
    awaitInOrder(callbacks);
    System.out.println("attempt errors: " + TestPostgres.queryString(
        "SELECT string_agg(coalesce(error, 'none') || '=' || n, '; ') FROM (SELECT error, count(*) AS n FROM delivery_attempts GROUP BY error) e"));
  }

  @Test
  @DisplayName("kill -9 of the router in the middle, restarted on the same data: every message delivered, each contact in order")
  void killedInTheMiddle(Vertx vertx, @TempDir Path dir) throws Exception {
    CallbackServer callbacks = failingFifth(vertx);
    int port = TestRouter.freePort();
    Path dataDir = dir.resolve("pg");
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, """
        http: { port: %d, host: 127.0.0.1 }
        sources: [ { name: meta, kind: meta, appSecret: %s } ]
        storage: { embedded: { dataDir: "%s", port: %d }, recoveryGrace: 1s, recoveryInterval: 500ms }
        """.formatted(port, Fixtures.APP_SECRET, dataDir, TestRouter.freePort())
        + SUBSCRIPTION.formatted(callbacks.url("/ordered")));
    RouterProcess router = new RouterProcess(config, dir.resolve("router.log"), port);
    try {
      router.start();
      Poster poster = new Poster(vertx, i -> port);
      AtomicBoolean killed = new AtomicBoolean();
      Future<Void> posted = poster.postAll(() -> {
        // A third of the way: kill, restart on the same data directory, and let the contacts go on posting.
        if (poster.acknowledged.get() >= CONTACTS * MESSAGES / 3 && killed.compareAndSet(false, true)) {
          vertx.executeBlocking(() -> {
            router.kill();
            router.start();
            return null;
          });
        }
      });
      Await.result(posted, Duration.ofSeconds(180));
      assertTrue(killed.get(), "the router was killed in the middle");
      awaitInOrder(callbacks);
    } finally {
      router.stop();
      RouterProcess.killPostgres(dataDir.toFile());
    }
  }

  @Test
  @DisplayName("two routers on one Postgres, each contact's messages posted to both in turn: every message delivered, each contact in order")
  void twoRouters(Vertx vertx, @TempDir Path dir) throws Exception {
    TestPostgres.reset();
    CallbackServer callbacks = failingFifth(vertx);
    List<RouterProcess> routers = new ArrayList<>();
    List<Integer> ports = List.of(TestRouter.freePort(), TestRouter.freePort());
    try {
      startRouters(dir, callbacks, ports, routers);
      Poster poster = new Poster(vertx, message -> ports.get(message % 2));
      Await.result(poster.postAll(null), Duration.ofSeconds(120));
      awaitInOrder(callbacks);
    } finally {
      for (RouterProcess router : routers) {
        router.stop();
      }
    }
  }

  @Test
  @DisplayName("two routers, each contact's messages posted to both at once: each contact's messages go out in the order the routers received them (inbound id)")
  void twoRoutersConcurrentPosts(Vertx vertx, @TempDir Path dir) throws Exception {
    TestPostgres.reset();
    CallbackServer callbacks = failingFifth(vertx);
    List<RouterProcess> routers = new ArrayList<>();
    List<Integer> ports = List.of(TestRouter.freePort(), TestRouter.freePort());
    int contacts = 50;
    try {
      startRouters(dir, callbacks, ports, routers);
      Poster poster = new Poster(vertx, message -> ports.get(message % 2));
      List<Future<Void>> posts = new ArrayList<>();
      for (int c = 0; c < contacts; c++) {
        for (int m = 0; m < MESSAGES; m++) { // no waiting for the ack: the routers race each other
          String waId = String.valueOf(15_550_000_000L + c);
          posts.add(poster.post(ports.get(m % 2), Payloads.text(waId, "wamid.race-" + c + "-" + m, c + " " + m)));
        }
      }
      Await.result(Future.all(posts), Duration.ofSeconds(60));
      Await.until("every message accepted", Duration.ofSeconds(120),
          () -> firstSeen(callbacks.accepted).values().stream().mapToInt(Set::size).sum() == contacts * MESSAGES);
      Map<String, Long> inboundIds = new HashMap<>();
      for (String row : TestPostgres.queryString("SELECT string_agg((payload->'data'->>'text') || '=' || inbound_id, ',')"
          + " FROM events").split(",")) {
        inboundIds.put(row.substring(0, row.indexOf('=')), Long.parseLong(row.substring(row.indexOf('=') + 1)));
      }
      Map<Integer, Set<Integer>> accepted = firstSeen(callbacks.accepted);
      for (int c = 0; c < contacts; c++) {
        int contact = c;
        List<Long> ids = accepted.get(c).stream().map(m -> inboundIds.get(contact + " " + m)).toList();
        assertEquals(ids.stream().sorted().toList(), ids, "contact " + c + " in inbound-id order");
      }
    } finally {
      for (RouterProcess router : routers) {
        router.stop();
      }
    }
  }

  /** Two router processes on the test Postgres, one per port, each with the ordered subscription. */
  private static void startRouters(Path dir, CallbackServer callbacks, List<Integer> ports, List<RouterProcess> routers)
      throws Exception {
    for (int i = 0; i < ports.size(); i++) {
      Path config = dir.resolve("config-" + i + ".yaml");
      Files.writeString(config, """
          http: { port: %d, host: 127.0.0.1 }
          sources: [ { name: meta, kind: meta, appSecret: %s } ]
          storage: { url: "%s" }
          """.formatted(ports.get(i), Fixtures.APP_SECRET, TestPostgres.url())
          + SUBSCRIPTION.formatted(callbacks.url("/ordered")));
      routers.add(new RouterProcess(config, dir.resolve("router-" + i + ".log"), ports.get(i)).start());
    }
  }

  /** Every message accepted; per contact, the first try and the first acceptance of each message in order. */
  private static void awaitInOrder(CallbackServer callbacks) {
    Await.until("every message accepted", Duration.ofSeconds(120),
        () -> firstSeen(callbacks.accepted).values().stream().mapToInt(Set::size).sum() == CONTACTS * MESSAGES);
    Map<Integer, Set<Integer>> accepted = firstSeen(callbacks.accepted);
    Map<Integer, Set<Integer>> tried = firstSeen(callbacks.received);
    List<Integer> inOrder = new ArrayList<>();
    for (int m = 0; m < MESSAGES; m++) {
      inOrder.add(m);
    }
    for (int contact = 0; contact < CONTACTS; contact++) {
      assertEquals(inOrder, List.copyOf(accepted.get(contact)), "contact " + contact + " accepted in order");
      assertEquals(inOrder, List.copyOf(tried.get(contact)), "contact " + contact + " tried in order");
    }
    Map<Integer, Long> lastRequestAt = new HashMap<>();
    for (CallbackServer.Received r : callbacks.received) {
      int contact = Integer.parseInt(r.json().getJsonObject("data").getString("text").split(" ")[0]);
      Long previous = lastRequestAt.put(contact, r.atNanos());
      assertTrue(previous == null || r.atNanos() - previous >= (ANSWER_MILLIS - 1) * 1_000_000,
          "contact " + contact + ": a request came " + (r.atNanos() - (previous == null ? 0 : previous)) / 1_000
              + " µs after the one before, which was still being answered: two in flight at once");
    }
    long duplicates = callbacks.accepted.size() - CONTACTS * MESSAGES;
    System.out.printf("ordered load: %d messages accepted in order, %d requests, %d accepted twice (a crash, or a timeout on a busy machine)%n",
        CONTACTS * MESSAGES, callbacks.received.size(), duplicates);
  }

  /** Per contact, its message numbers in the order each first appears. */
  private static Map<Integer, Set<Integer>> firstSeen(List<CallbackServer.Received> requests) {
    Map<Integer, Set<Integer>> seen = new HashMap<>();
    for (CallbackServer.Received r : requests) {
      String[] text = r.json().getJsonObject("data").getString("text").split(" ");
      seen.computeIfAbsent(Integer.parseInt(text[0]), c -> new LinkedHashSet<>()).add(Integer.parseInt(text[1]));
    }
    return seen;
  }

  /**
   * Posts each contact's messages one after another, every contact at once; a message not acknowledged (the
   * router was down) is posted again until it is, as Meta does.
   */
  private static final class Poster {
    private final Vertx vertx;
    private final WebClient client;
    private final IntUnaryOperator portFor;
    final AtomicInteger acknowledged = new AtomicInteger();

    Poster(Vertx vertx, IntUnaryOperator portFor) {
      this.vertx = vertx;
      this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(64));
      this.portFor = portFor;
    }

    Future<Void> postAll(Runnable afterEach) {
      List<Future<Void>> contacts = new ArrayList<>();
      for (int c = 0; c < CONTACTS; c++) {
        contacts.add(postFrom(c, 0, afterEach));
      }
      return Future.all(contacts).mapEmpty();
    }

    private Future<Void> postFrom(int contact, int message, Runnable afterEach) {
      if (message == MESSAGES) {
        return Future.succeededFuture();
      }
      String waId = String.valueOf(15_550_000_000L + contact);
      byte[] body = Payloads.text(waId, "wamid.load-" + contact + "-" + message, contact + " " + message);
      return post(portFor.applyAsInt(message), body).compose(v -> {
        acknowledged.incrementAndGet();
        if (afterEach != null) {
          afterEach.run();
        }
        return postFrom(contact, message + 1, afterEach);
      });
    }

    Future<Void> post(int port, byte[] body) {
      Promise<Void> done = Promise.promise();
      client.post(port, "127.0.0.1", "/webhooks/meta")
          .putHeader("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body))
          .timeout(10_000)
          .sendBuffer(Buffer.buffer(body))
          .onComplete(r -> {
            if (r.succeeded() && r.result().statusCode() == 200) {
              done.complete();
            } else {
              vertx.setTimer(200, id -> post(port, body).onComplete(done));
            }
          });
      return done.future();
    }
  }
}
