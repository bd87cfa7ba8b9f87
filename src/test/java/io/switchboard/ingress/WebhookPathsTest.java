package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.metrics.Meters;
import io.switchboard.support.Await;
import io.switchboard.support.Fixtures;
import io.switchboard.support.RawHttp;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A plain {@code POST /webhooks/{source}} is served without the router (WebhookFastPath); a path that needs
 * decoding still goes through it. Both must answer alike, byte for byte where it matters.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Webhook paths: served directly or by the router, the same answers")
class WebhookPathsTest {

  private TestRouter router;

  @BeforeEach
  void start(Vertx vertx) {
    TestPostgres.reset();
    router = TestRouter.start(vertx, TestRouter.baseConfig());
  }

  @Test
  @DisplayName("the plain path and a %-encoded one both commit the body and answer 200 with nosniff")
  void plainAndEncodedPaths() throws IOException {
    for (String path : new String[] {"/webhooks/meta", "/webhooks/me%74a"}) {
      byte[] body = Fixtures.unique("meta-text-01.json", path);
      String answer = exchange(post(path, "X-Hub-Signature-256: " + Fixtures.metaSignature(Fixtures.APP_SECRET, body)
          + "\r\nContent-Length: " + body.length + "\r\n") + new String(body, StandardCharsets.UTF_8));
      assertTrue(answer.startsWith("HTTP/1.1 200"), path + ": " + answer);
      assertTrue(answer.toLowerCase(Locale.ROOT).contains("x-content-type-options: nosniff"), path + ": " + answer);
      assertTrue(answer.contains("\"inbound_id\""), path + ": " + answer);
    }
    assertEquals(2, TestPostgres.count("SELECT 1 FROM inbound_webhooks"));
  }

  @Test
  @DisplayName("a plain webhook path is served without the router; any other path is handed to it")
  void directOrRouted(Vertx vertx) throws IOException {
    Router fallback = Router.router(vertx);
    fallback.route().handler(ctx -> ctx.response().setStatusCode(599).end("routed"));
    RequestDeadlines deadlines = new RequestDeadlines(vertx, 30_000);
    WebhookHandler webhooks = new WebhookHandler(vertx, router.config, new RecentRequests(10), new RateLimits(),
        new Meters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    int port = Await.result(vertx.createHttpServer().connectionHandler(deadlines::opened)
        .requestHandler(new WebhookFastPath(router.config, fallback, webhooks, deadlines, new ClientAborts()))
        .listen(0, "127.0.0.1")).actualPort();

    byte[] body = Fixtures.bytes("meta-text-01.json");
    String signature = "X-Hub-Signature-256: " + Fixtures.metaSignature(Fixtures.APP_SECRET, body)
        + "\r\nContent-Length: " + body.length + "\r\n";
    String direct = exchange(port, post("/webhooks/meta", signature) + new String(body, StandardCharsets.UTF_8));
    assertTrue(direct.startsWith("HTTP/1.1 200") && direct.contains("\"inbound_id\""), direct);
    assertEquals(1, TestPostgres.count("SELECT 1 FROM inbound_webhooks"));
    for (String other : new String[] {"/webhooks/me%74a", "/webhooks/meta/", "/webhooks/nope", "/health/live"}) {
      String routed = exchange(port, post(other, signature) + new String(body, StandardCharsets.UTF_8));
      assertTrue(routed.startsWith("HTTP/1.1 599") && routed.endsWith("routed"), other + ": " + routed);
    }
  }

  @Test
  @DisplayName("a chunked body that grows past ingress.maxBodyBytes gets 413, counted for its source, and stores nothing")
  void chunkedBodyOverTheLimit() throws IOException {
    String chunk = "x".repeat(16 * 1024);
    StringBuilder chunks = new StringBuilder("1\r\n{\r\n");
    for (int i = 0; i < 5; i++) { // 80 KiB, over the 64 KiB default
      chunks.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
    }
    chunks.append("0\r\n\r\n");
    String answer = exchange(post("/webhooks/meta", "Transfer-Encoding: chunked\r\nX-Hub-Signature-256: sha256=00\r\n")
        + chunks);
    assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
    assertTrue(answer.contains("payload_too_large"), answer);
    assertEquals(0, TestPostgres.count("SELECT 1 FROM inbound_webhooks"));
    assertTrue(router.get("/metrics").bodyAsString()
        .contains("switchboard_ingress_requests_total{outcome=\"too_large\",source=\"meta\"} 1.0"));
  }

  @Test
  @DisplayName("an Expect other than 100-continue gets 417 before the body is read")
  void unknownExpectation() throws IOException {
    String answer = exchange(post("/webhooks/meta", "Expect: something-else\r\nContent-Length: 2\r\n") + "{}");
    assertTrue(answer.startsWith("HTTP/1.1 417"), answer);
    assertTrue(answer.contains("expectation_failed"), answer);
  }

  @Test
  @DisplayName("Expect: 100-continue gets its 100 before the body, then the webhook is committed")
  void continueThenCommit() throws IOException {
    byte[] body = Fixtures.bytes("meta-text-01.json");
    try (Socket socket = new Socket("127.0.0.1", router.port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(post("/webhooks/meta", "Expect: 100-continue\r\nContent-Length: " + body.length
          + "\r\nX-Hub-Signature-256: " + Fixtures.metaSignature(Fixtures.APP_SECRET, body) + "\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String interim = RawHttp.readHead(socket.getInputStream());
      assertTrue(interim.startsWith("HTTP/1.1 100"), interim);
      out.write(body);
      out.flush();
      String answer = RawHttp.readHead(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }
    assertEquals(1, TestPostgres.count("SELECT 1 FROM inbound_webhooks"));
  }

  /** The request line and headers; {@code extraHeaders} ends with CRLF; the blank line is added. */
  private static String post(String path, String extraHeaders) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + extraHeaders
        + "\r\n";
  }

  private String exchange(String request) throws IOException {
    return exchange(router.port, request);
  }

  /** Sends the whole request and reads one answer, its body by Content-Length. */
  private static String exchange(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String head = RawHttp.readHead(socket.getInputStream());
      byte[] body = socket.getInputStream().readNBytes(RawHttp.contentLength(head));
      return head + new String(body, StandardCharsets.UTF_8);
    }
  }
}
