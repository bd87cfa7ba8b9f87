package io.switchboard.support;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.Switchboard;
import io.switchboard.api.Bus;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.Meters;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * The real router deployed in the test's Vert.x on the shared embedded Postgres, with a {@code meta} and a
 * {@code 360dialog} source, plus a client to talk to it over HTTP.
 */
public final class TestRouter {

  public final SwitchboardConfig config;
  public final WebClient client;
  public final int port;

  private TestRouter(SwitchboardConfig config, WebClient client) {
    this.config = config;
    this.client = client;
    this.port = config.http().port();
  }

  /** A config tree with test sources and fast delivery; tests add subscriptions and tweak keys. */
  public static JsonObject baseConfig() {
    return new JsonObject()
        .put("http", new JsonObject().put("port", freePort()).put("host", "127.0.0.1"))
        .put("ingress", new JsonObject().put("maxBodyBytes", 64 * 1024).put("ackTimeout", "3s"))
        .put("sources", new JsonArray()
            .add(new JsonObject().put("name", "meta").put("kind", "meta")
                .put("verifyToken", Fixtures.VERIFY_TOKEN).put("appSecret", Fixtures.APP_SECRET))
            .add(new JsonObject().put("name", "360dialog").put("kind", "360dialog")
                .put("basicAuth", new JsonObject().put("user", "d360").put("pass", "d360-pass"))))
        .put("subscriptions", new JsonArray())
        .put("delivery", new JsonObject().put("timeout", "2s").put("schedule", "200ms,400ms")
            .put("jitter", 0).put("circuitThreshold", 100).put("allowHttp", true).put("allowPrivateNetworks", true).put("pollInterval", "200ms"))
        .put("storage", new JsonObject().put("url", TestPostgres.url())
            .put("recoveryGrace", "1s").put("recoveryInterval", "500ms"))
        .put("admin", new JsonObject().put("apiKeys", new JsonArray().add("test-admin-key")));
  }

  public static JsonObject subscription(String name, String url, String... events) {
    JsonArray globs = new JsonArray();
    for (String e : events) {
      globs.add(e);
    }
    return new JsonObject().put("name", name).put("url", url).put("events", globs)
        .put("secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  }

  public static TestRouter start(Vertx vertx, JsonObject tree) {
    Bus.registerCodecs(vertx);
    SwitchboardConfig config = ConfigLoader.fromTree(tree, Map.of());
    Await.result(Switchboard.deploy(vertx, config, new Meters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))));
    return new TestRouter(config, WebClient.create(vertx));
  }

  public HttpResponse<Buffer> postMeta(byte[] body) {
    return post("meta", body, Map.of("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body)));
  }

  public HttpResponse<Buffer> post(String source, byte[] body, Map<String, String> headers) {
    var request = client.post(port, "127.0.0.1", "/webhooks/" + source).putHeader("content-type", "application/json");
    headers.forEach(request::putHeader);
    return Await.result(request.sendBuffer(Buffer.buffer(body)));
  }

  public HttpResponse<Buffer> get(String uri) {
    return Await.result(client.get(port, "127.0.0.1", uri).send());
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
