package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.Switchboard;
import io.switchboard.api.Bus;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("Config file changes are picked up without a restart")
class ConfigReloadTest {

  private static final String CONFIG = """
      http: { port: %d, host: 127.0.0.1 }
      sources: [ { name: meta, kind: meta, appSecret: %s } ]
      subscriptions:
        - { name: %s, url: "%s", events: ["*"], secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }
      delivery: { allowHttp: true, allowPrivateNetworks: true, pollInterval: 200ms }
      storage: { url: "%s" }
      """;

  @Test
  @DisplayName("a subscription added to the file receives the next event; the replaced one does not")
  void subscriptionsReloaded(Vertx vertx, @TempDir Path dir) throws Exception {
    TestPostgres.reset();
    Bus.registerCodecs(vertx);
    CallbackServer callbacks = new CallbackServer(vertx).start();
    int port = TestRouter.freePort();
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, CONFIG.formatted(port, Fixtures.APP_SECRET, "first", callbacks.url("/first"), TestPostgres.url()));
    SwitchboardConfig config = Await.result(ConfigLoader.load(vertx, file.toString(), Map.of()));
    Await.result(Switchboard.deploy(vertx, config, new Meters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))));
    Switchboard.watchSubscriptions(vertx, file.toString(), config);
    WebClient client = WebClient.create(vertx);

    post(client, port, "one");
    Await.until("the first subscription's delivery", Duration.ofSeconds(10), () -> callbacks.at("/first").size() == 1);

    Files.writeString(file, CONFIG.formatted(port, Fixtures.APP_SECRET, "second", callbacks.url("/second"), TestPostgres.url()));
    Await.until("the new subscription is stored", Duration.ofSeconds(10),
        () -> TestPostgres.count("SELECT * FROM subscriptions WHERE name = 'second' AND enabled") == 1);
    Await.until("delivery uses it", Duration.ofSeconds(10), () -> {
      post(client, port, "probe" + System.nanoTime());
      return !callbacks.at("/second").isEmpty();
    });
    post(client, port, "final");
    Await.until("the next event reaches the new subscription", Duration.ofSeconds(10),
        () -> callbacks.at("/second").stream().anyMatch(r -> new String(r.body()).contains("-final")));
    Await.until("the final event's delivery is recorded", Duration.ofSeconds(10),
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'pending'") == 0);
    assertEquals(0, callbacks.at("/first").stream().filter(r -> new String(r.body()).contains("-final")).count(),
        "the removed subscription got nothing more");
    assertEquals("f", TestPostgres.queryString("SELECT enabled FROM subscriptions WHERE name = 'first'"));
  }

  @Test
  @DisplayName("a subscription the URL policy refuses is refused on reload too: one line naming the key, the stored set unchanged")
  void policyRefusedOnReload(Vertx vertx, @TempDir Path dir) throws Exception {
    TestPostgres.reset();
    Bus.registerCodecs(vertx);
    int port = TestRouter.freePort();
    String strict = """
        http: { port: %d, host: 127.0.0.1 }
        sources: [ { name: meta, kind: meta, appSecret: %s } ]
        subscriptions:
          - { name: first, url: "https://8.8.8.8/hooks", events: ["*"], secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }
        %s
        storage: { url: "%s" }
        """;
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, strict.formatted(port, Fixtures.APP_SECRET, "", TestPostgres.url()));
    SwitchboardConfig config = Await.result(ConfigLoader.load(vertx, file.toString(), Map.of()));
    Await.result(Switchboard.deploy(vertx, config, new Meters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))));
    try (io.switchboard.support.LogCapture log = new io.switchboard.support.LogCapture()) {
      Switchboard.watchSubscriptions(vertx, file.toString(), config);
      Files.writeString(file, strict.formatted(port, Fixtures.APP_SECRET, "  - { name: second, url: \"http://127.0.0.1:9/x\","
          + " events: [\"*\"], secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }", TestPostgres.url()));
      Await.until("the reload is refused", Duration.ofSeconds(15), () -> log.text().contains("keeping the running config"));
      assertTrue(log.text().contains("subscriptions[1].url: only https is allowed"), log.text());
    }
    assertEquals(0, TestPostgres.count("SELECT * FROM subscriptions WHERE name = 'second'"));
    assertEquals(1, TestPostgres.count("SELECT * FROM subscriptions WHERE name = 'first' AND enabled"));
  }

  private static void post(WebClient client, int port, String suffix) {
    byte[] body = Fixtures.unique("meta-text-01.json", suffix);
    Await.result(client.post(port, "127.0.0.1", "/webhooks/meta")
        .putHeader("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body)).sendBuffer(Buffer.buffer(body)));
  }
}
