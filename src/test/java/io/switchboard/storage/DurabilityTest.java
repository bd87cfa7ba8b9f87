package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.RouterProcess;
import io.switchboard.support.TcpProxy;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("Nothing acknowledged is lost")
class DurabilityTest {

  private static final int MESSAGES = 300;

  @Test
  @DisplayName("SIGKILL right after the last 200, while deliveries back off; restart on the same data directory: every message reaches the callback")
  void crashAndRestart(Vertx vertx, @TempDir Path dir) throws Exception {
    CallbackServer callbacks = new CallbackServer(vertx).start();
    // The subscriber is down during the first run, so at the kill deliveries are mid-schedule.
    AtomicBoolean subscriberUp = new AtomicBoolean(false);
    callbacks.script(r -> subscriberUp.get() ? CallbackServer.Answer.ok() : new CallbackServer.Answer(503, null, 0));
    int port = TestRouter.freePort();
    int pgPort = TestRouter.freePort();
    Path dataDir = dir.resolve("pg");
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, """
        http: { port: %d, host: 127.0.0.1 }
        sources:
          - { name: meta, kind: meta, appSecret: %s }
        subscriptions:
          - { name: crm, url: "%s", events: ["message.received"], secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }
        delivery: { timeout: 2s, schedule: [500ms, 1s, 2s, 3s, 3s, 3s, 3s, 3s], circuitCooldown: 1s, allowHttp: true, allowPrivateNetworks: true, pollInterval: 200ms }
        storage: { embedded: { dataDir: "%s", port: %d }, recoveryGrace: 1s, recoveryInterval: 500ms }
        """.formatted(port, Fixtures.APP_SECRET, callbacks.url("/crm"), dataDir, pgPort));
    RouterProcess router = new RouterProcess(config, dir.resolve("router.log"), port);
    try {
      router.start();
      assertFsyncOn(pgPort);
      postAll(vertx, port);
      router.kill();
      assertTrue(backingOff(pgPort) > 0, "deliveries were backing off at the kill");

      subscriberUp.set(true);
      router.start();
      Await.until("all " + MESSAGES + " messages delivered after the restart", Duration.ofSeconds(60),
          () -> delivered(callbacks) == MESSAGES);
      assertEquals(MESSAGES, delivered(callbacks));
    } finally {
      router.stop();
      RouterProcess.killPostgres(dataDir.toFile());
    }
  }

  @Test
  @DisplayName("SIGKILL in the middle of a burst to a healthy subscriber; restart on the same data directory: every acknowledged message reaches it")
  void crashMidBurst(Vertx vertx, @TempDir Path dir) throws Exception {
    CallbackServer callbacks = new CallbackServer(vertx).start();
    int port = TestRouter.freePort();
    int pgPort = TestRouter.freePort();
    Path dataDir = dir.resolve("pg");
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, """
        http: { port: %d, host: 127.0.0.1 }
        sources:
          - { name: meta, kind: meta, appSecret: %s }
        subscriptions:
          - { name: crm, url: "%s", events: ["message.received"], secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, timeout: 1s }
        delivery: { allowHttp: true, allowPrivateNetworks: true, pollInterval: 200ms }
        storage: { embedded: { dataDir: "%s", port: %d }, recoveryGrace: 1s, recoveryInterval: 500ms }
        """.formatted(port, Fixtures.APP_SECRET, callbacks.url("/crm"), dataDir, pgPort));
    RouterProcess router = new RouterProcess(config, dir.resolve("router.log"), port);
    try {
      router.start();
      Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
      WebClient client = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions(),
          new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
      for (int i = 0; i < 2_000; i++) {
        String id = "midburst" + i;
        byte[] body = Fixtures.unique("meta-text-01.json", id);
        client.post(port, "127.0.0.1", "/webhooks/meta")
            .putHeader("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body))
            .sendBuffer(Buffer.buffer(body))
            .onSuccess(r -> {
              if (r.statusCode() == 200) {
                acknowledged.add(id);
              }
            });
      }
      Await.until("a part of the burst acknowledged", Duration.ofSeconds(30), () -> acknowledged.size() >= 300);
      router.kill();
      Set<String> beforeKill = Set.copyOf(acknowledged);
      assertTrue(beforeKill.size() < 2_000, "the kill came in the middle of the burst");

      router.start();
      Await.until("every acknowledged message delivered after the restart", Duration.ofSeconds(60),
          () -> receivedIds(callbacks).containsAll(beforeKill));
      long duplicates = callbacks.accepted.size() - receivedIds(callbacks).size();
      System.out.printf("crash mid-burst: %d acknowledged before the kill, %d delivered, %d duplicates%n",
          beforeKill.size(), receivedIds(callbacks).size(), duplicates);
    } finally {
      router.stop();
      RouterProcess.killPostgres(dataDir.toFile());
    }
  }

  /** The suffix each message of the burst carries in its message id. */
  private static Set<String> receivedIds(CallbackServer callbacks) {
    return callbacks.accepted.stream()
        .map(r -> r.json().getJsonObject("data").getString("message_id"))
        .map(id -> id.substring(id.lastIndexOf('-') + 1))
        .collect(Collectors.toSet());
  }

  /** Deliveries that failed at least once and wait for their next attempt (read from the orphaned server). */
  private static long backingOff(int pgPort) throws Exception {
    try (var c = DriverManager.getConnection("jdbc:postgresql://localhost:" + pgPort + "/postgres", "postgres", "");
         var s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM deliveries WHERE status = 'pending' AND last_status_code = 503")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** zonky starts postgres with -F and synchronous_commit=off; Switchboard turns both back on. */
  private static void assertFsyncOn(int pgPort) throws Exception {
    try (var c = DriverManager.getConnection("jdbc:postgresql://localhost:" + pgPort + "/postgres", "postgres", "");
         var s = c.createStatement()) {
      for (String setting : List.of("fsync", "synchronous_commit")) {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
          rs.next();
          assertEquals("on", rs.getString(1), setting);
        }
      }
    }
  }

  /** Posts every message, 30 at a time, and returns once each one has its 200. */
  private static void postAll(Vertx vertx, int port) {
    WebClient client = WebClient.create(vertx);
    for (int start = 0; start < MESSAGES; start += 30) {
      List<Future<Integer>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(start + 30, MESSAGES); i++) {
        byte[] body = Fixtures.unique("meta-text-01.json", "crash" + i);
        batch.add(client.post(port, "127.0.0.1", "/webhooks/meta")
            .putHeader("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body))
            .sendBuffer(Buffer.buffer(body)).map(r -> r.statusCode()));
      }
      Await.result(Future.all(batch));
      batch.forEach(f -> assertEquals(200, f.result()));
    }
  }

  /** Distinct events the subscriber accepted (the 503 answers of the first run do not count). */
  private static long delivered(CallbackServer callbacks) {
    return callbacks.accepted.stream().map(r -> r.header("webhook-id"))
        .collect(Collectors.toSet()).size();
  }

  @Test
  @DisplayName("with Postgres unreachable ingress answers 503, and recovers by itself when it returns")
  void databaseOutage(Vertx vertx) {
    TestPostgres.reset();
    TcpProxy proxy = new TcpProxy(vertx, TestPostgres.port()).up();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("storage").put("url", "postgresql://postgres@127.0.0.1:" + proxy.port() + "/postgres");
    TestRouter router = TestRouter.start(vertx, tree);
    assertEquals(200, router.postMeta(Fixtures.unique("meta-text-01.json", "before")).statusCode());

    proxy.down();
    var during = router.postMeta(Fixtures.unique("meta-text-01.json", "during"));
    assertEquals(503, during.statusCode());
    assertEquals("storage_unavailable", during.bodyAsJsonObject().getString("code"));

    proxy.up();
    Await.until("ingress accepts again", Duration.ofSeconds(20),
        () -> router.postMeta(Fixtures.unique("meta-text-01.json", "after")).statusCode() == 200);
    Set<String> stored = Set.of(TestPostgres.queryString(
        "SELECT string_agg(convert_from(body, 'UTF8'), '|') FROM inbound_webhooks").split("\\|"));
    assertTrue(stored.stream().anyMatch(b -> b.contains("-before")));
    assertTrue(stored.stream().noneMatch(b -> b.contains("-during")));
    assertTrue(stored.stream().anyMatch(b -> b.contains("-after")));
  }
}
