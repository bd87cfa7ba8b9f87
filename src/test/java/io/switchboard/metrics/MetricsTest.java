package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.Switchboard;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Prometheus metrics")
class MetricsTest {

  private Vertx vertx;

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("after traffic, /metrics shows every named meter with sensible values, plus JVM and Vert.x meters")
  void scrapeAfterTraffic() {
    Router router = start(subscription -> subscription);
    CallbackServer callbacks = router.callbacks();
    WebClient client = router.client();
    int port = router.port();

    byte[] body = Fixtures.bytes("meta-text-01.json");
    for (String signature : new String[] {Fixtures.metaSignature(Fixtures.APP_SECRET, body), "sha256=00"}) {
      Await.result(client.post(port, "127.0.0.1", "/webhooks/meta").putHeader("X-Hub-Signature-256", signature)
          .sendBuffer(Buffer.buffer(body)));
    }
    Await.until("the delivery", Duration.ofSeconds(15), () -> callbacks.received.size() == 1);
    Await.until("the attempt is counted", Duration.ofSeconds(15),
        () -> scrape(client, port).contains("switchboard_deliveries_total{outcome=\"succeeded\",subscription=\"crm\"}"));

    String text = scrape(client, port);
    assertEquals(1.0, value(text, "switchboard_ingress_requests_total\\{outcome=\"accepted\",source=\"meta\"\\}"));
    assertEquals(1.0, value(text, "switchboard_ingress_requests_total\\{outcome=\"unauthorized\",source=\"meta\"\\}"));
    assertEquals(1.0, value(text, "switchboard_ingress_ack_seconds_count"));
    assertEquals(1.0, value(text, "switchboard_events_total\\{type=\"message.received\"\\}"));
    assertEquals(1.0, value(text, "switchboard_deliveries_total\\{outcome=\"succeeded\",subscription=\"crm\"\\}"));
    assertEquals(1.0, value(text, "switchboard_delivery_attempt_seconds_count"));
    assertTrue(value(text, "switchboard_storage_batch_size_count\\{kind=\"webhooks\"\\}") >= 1.0);
    assertTrue(text.contains("switchboard_delivery_pending"));
    assertTrue(text.contains("switchboard_ingress_ack_seconds_bucket"), "ack latency is a histogram");
    assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(text.contains("vertx_http_server_requests_total"), "Vert.x HTTP metrics");
    assertFalse(text.contains("vertx_eventbus_"), "event-bus meters are off: a lookup per message on the hot path");
    assertTrue(!text.contains("wamid.") && !text.contains("1111111111111"), "no message ids or phone numbers as labels");
    String subscriber = callbacks.url("").replace("http://", "");
    assertFalse(text.contains(subscriber), "no subscriber's host and port as a label");
    assertTrue(text.contains("vertx_pool_in_use{pool_name=\"delivery\",pool_type=\"http\"}"), "the delivery pools, summed");
    for (String series : dashboardSeries()) {
      assertTrue(Pattern.compile("(?m)^" + series + "[{ ]").matcher(text).find(), "the Grafana dashboard reads " + series);
    }
  }

  @Test
  @DisplayName("the pending gauge counts the deliveries a failing subscriber is still owed, and drops once they succeed")
  void pendingGauge() {
    // One retry, late enough for a count or two to see the delivery owed.
    Router router = start(subscription -> subscription.put("schedule", "8s"));
    CallbackServer callbacks = router.callbacks();
    callbacks.script(r -> new CallbackServer.Answer(503, null, 0));
    WebClient client = router.client();
    int port = router.port();

    byte[] body = Fixtures.bytes("meta-text-01.json");
    Await.result(client.post(port, "127.0.0.1", "/webhooks/meta")
        .putHeader("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body)).sendBuffer(Buffer.buffer(body)));
    Await.until("the subscriber refused it", Duration.ofSeconds(15), () -> !callbacks.received.isEmpty());
    // Counted half a period after start, then every 5 s.
    Await.until("the gauge counts the delivery still owed", Duration.ofSeconds(15),
        () -> value(scrape(client, port), "switchboard_delivery_pending") == 1.0);
    callbacks.script(r -> CallbackServer.Answer.ok());
    Await.until("the retry succeeded", Duration.ofSeconds(15), () -> !callbacks.accepted.isEmpty());
    Await.until("the gauge drops to nothing owed", Duration.ofSeconds(15),
        () -> value(scrape(client, port), "switchboard_delivery_pending") == 0.0);
  }

  private record Router(CallbackServer callbacks, WebClient client, int port) {}

  /** A router whose one subscription, crm, takes every event to a callback server of its own; tweak adjusts it. */
  private Router start(UnaryOperator<JsonObject> tweak) {
    TestPostgres.reset();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    vertx = Switchboard.vertx(registry);
    CallbackServer callbacks = new CallbackServer(vertx).start();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(tweak.apply(TestRouter.subscription("crm", callbacks.url("/crm"), "*")));
    SwitchboardConfig config = ConfigLoader.fromTree(tree, Map.of());
    Await.result(Switchboard.deploy(vertx, config, new Meters(registry)));
    return new Router(callbacks, WebClient.create(vertx), config.http().port());
  }

  /** Every series the provisioned Grafana dashboard queries (conf/grafana/dashboards/switchboard.json). */
  private static java.util.Set<String> dashboardSeries() {
    try {
      String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("conf/grafana/dashboards/switchboard.json"));
      Matcher m = Pattern.compile("\\b(?:switchboard|jvm)_[a-z_]+").matcher(new JsonObject(dashboard).encode());
      java.util.Set<String> series = new java.util.TreeSet<>();
      while (m.find()) {
        series.add(m.group());
      }
      assertTrue(series.size() > 5, "the dashboard queries Switchboard's meters");
      return series;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String scrape(WebClient client, int port) {
    return Await.result(client.get(port, "127.0.0.1", "/metrics").send()).bodyAsString();
  }

  private static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(text);
    assertTrue(m.find(), "no series " + series);
    return Double.parseDouble(m.group(1));
  }
}
