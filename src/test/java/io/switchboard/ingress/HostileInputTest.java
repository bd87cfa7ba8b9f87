package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.switchboard.support.Await;
import io.switchboard.support.Fixtures;
import io.switchboard.support.LogCapture;
import io.switchboard.support.ManagementClient;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Bad bytes over HTTP")
class HostileInputTest {

  private TestRouter router;

  @BeforeEach
  void start(Vertx vertx) {
    TestPostgres.reset();
    router = TestRouter.start(vertx, TestRouter.baseConfig());
  }

  /** A request the caller got wrong, and what the answer must say (its code, and a word of its detail). */
  private record Mistake(HttpMethod method, String uri, String body, String detail) {}

  @Test
  @DisplayName("NUL, malformed %-escapes, CRLF in a header value, port 99999, wrong JSON types: each a 400 {code, detail}, no database text, no stack trace, at most one log line")
  void managementApiMistakes() {
    String sub = "{\"name\":\"crm\",\"url\":\"https://crm.example.com/h\",\"secret\":\"s3cret\"";
    List<Mistake> mistakes = List.of(
        new Mistake(HttpMethod.GET, "/api/events/evt_%00x", null, "control character"),
        new Mistake(HttpMethod.GET, "/api/webhook/logs?event=message.%00", null, "control character"),
        new Mistake(HttpMethod.GET, "/api/webhook/logs?subscription=a%0d%0aX-Evil:1", null, "control character"),
        new Mistake(HttpMethod.GET, "/api/webhook/logs?status=%zz", null, "malformed %-escape"),
        new Mistake(HttpMethod.GET, "/api/events/%zz", null, "malformed %-escape"),
        new Mistake(HttpMethod.GET, "/api/inbound/1%E0%A4%A", null, "malformed %-escape"),
        new Mistake(HttpMethod.GET, "/api/webhook/logs?cursor=%", null, "malformed %-escape"),
        new Mistake(HttpMethod.POST, "/api/webhook/replay", "{\"subscription\":\"crm\\u0000\"}", "subscription holds a NUL"),
        new Mistake(HttpMethod.POST, "/api/webhook/replay", "{\"since\":5}", "since must be a string"),
        new Mistake(HttpMethod.POST, "/api/webhook/replay", "[1]", "must be a JSON object"),
        new Mistake(HttpMethod.DELETE, "/api/webhook/logs", "{\"instanceId\":\"1\\u00002\"}", "instanceId holds a NUL"),
        new Mistake(HttpMethod.POST, "/api/webhook/test", "{\"url\":\"http://127.0.0.1:99999/\"}", "port must be between 1 and 65535"),
        new Mistake(HttpMethod.POST, "/api/webhook/test", "{\"url\":\"http://x/\",\"secret\":[1]}", "secret must be a string"),
        new Mistake(HttpMethod.POST, "/api/subscriptions", sub.replace("crm", "c\\u0000rm") + "}", "name holds a NUL"),
        new Mistake(HttpMethod.POST, "/api/subscriptions", sub + ",\"headers\":{\"X-Team\":\"a\\r\\nX-Evil: 1\"}}",
            "subscription.headers.X-Team: must not hold CR, LF"),
        new Mistake(HttpMethod.POST, "/api/subscriptions", sub.replace("crm.example.com", "crm.example.com:99999") + "}",
            "subscription.url: port must be between 1 and 65535"),
        new Mistake(HttpMethod.POST, "/api/subscriptions", sub + ",\"events\":[\"" + "*".repeat(40) + "x\"]}",
            "subscription.events[0]: must have at most 8 '*'"),
        new Mistake(HttpMethod.POST, "/api/subscriptions", sub + ",\"events\":[\"\"]}", "subscription.events[0]: must not be empty"));
    try (LogCapture log = new LogCapture()) {
      for (Mistake mistake : mistakes) {
        var request = router.client.request(mistake.method(), router.port, "127.0.0.1", mistake.uri())
            .putHeader("X-API-Key", ManagementClient.KEY);
        HttpResponse<Buffer> answer = Await.result(mistake.body() == null ? request.send()
            : request.sendBuffer(Buffer.buffer(mistake.body())));
        String shown = mistake.method() + " " + mistake.uri() + " " + mistake.body() + " -> " + answer.bodyAsString();
        assertEquals(400, answer.statusCode(), shown);
        JsonObject error = answer.bodyAsJsonObject();
        assertTrue(error.getString("code").startsWith("bad_"), shown);
        assertTrue(error.getString("detail").contains(mistake.detail()), shown);
        assertFalse(error.getString("detail").matches("(?s).*(ERROR:|SQLSTATE|invalid byte sequence|\\(\\d{5}\\)).*"), shown);
      }
      assertTrue(log.events().size() <= mistakes.size(), log::text);
      log.events().forEach(e -> assertNull(e.getThrowableProxy(), e::getFormattedMessage));
    }
    assertEquals(0, TestPostgres.count("SELECT 1 FROM subscriptions"), "nothing half-stored");
  }

  @Test
  @DisplayName("every fixture is accepted byte for byte with curl's default content type (a form), and with none")
  void webhookBodiesAreRawBytes() throws Exception {
    List<Path> fixtures;
    try (Stream<Path> files = Files.list(Fixtures.dir())) {
      fixtures = files.filter(f -> f.toString().endsWith(".json") && !f.endsWith("expected.json")).sorted().toList();
    }
    assertTrue(fixtures.size() > 20, "found the fixtures");
    for (String contentType : new String[] {"application/x-www-form-urlencoded", null}) {
      for (Path fixture : fixtures) {
        byte[] body = Files.readAllBytes(fixture);
        boolean d360 = fixture.getFileName().toString().startsWith("360dialog");
        var request = router.client.post(router.port, "127.0.0.1", "/webhooks/" + (d360 ? "360dialog" : "meta"));
        if (contentType != null) {
          request.putHeader("content-type", contentType);
        }
        if (d360) {
          request.basicAuthentication("d360", "d360-pass");
        } else {
          request.putHeader("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body));
        }
        HttpResponse<Buffer> answer = Await.result(request.sendBuffer(Buffer.buffer(body)));
        assertEquals(200, answer.statusCode(), fixture + " as " + contentType + ": " + answer.bodyAsString());
        long id = answer.bodyAsJsonObject().getLong("inbound_id");
        assertEquals(HexFormat.of().formatHex(body),
            TestPostgres.queryString("SELECT encode(body, 'hex') FROM inbound_webhooks WHERE id = " + id), fixture.toString());
      }
    }
  }

  @Test
  @DisplayName("a verification GET with a bad %-escape answers 400 and logs neither hub.verify_token nor a stack trace")
  void noSecretInTheLog() {
    try (LogCapture log = new LogCapture()) {
      HttpResponse<Buffer> answer = router.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token="
          + Fixtures.VERIFY_TOKEN + "%zz&hub.challenge=1158201444");
      assertEquals(400, answer.statusCode());
      assertEquals("bad_request", answer.bodyAsJsonObject().getString("code"));
      assertFalse(answer.bodyAsString().contains(Fixtures.VERIFY_TOKEN));
      assertFalse(log.text().contains(Fixtures.VERIFY_TOKEN), log::text);
      log.events().forEach(e -> assertNull(e.getThrowableProxy(), e::getFormattedMessage));
    }
  }

  @Test
  @DisplayName("logged URIs keep their shape with every secret-looking query value redacted")
  void redactedUris() {
    assertEquals("/webhooks/meta?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=1",
        RequestChecks.redactedUri("/webhooks/meta?hub.mode=subscribe&hub.verify_token=s3cr%zz&hub.challenge=1"));
    assertEquals("/x?api_key=[redacted]&Signature=[redacted]&password=[redacted]&limit=5&flag",
        RequestChecks.redactedUri("/x?api_key=k&Signature=abc&password=p&limit=5&flag"));
    assertEquals("/api/webhook/logs", RequestChecks.redactedUri("/api/webhook/logs"));
  }

  @Test
  @DisplayName("thirty clients hanging up mid-body leave a bounded log: no stack trace, not a line each")
  void clientsHangingUp(Vertx vertx) {
    String head = "POST /webhooks/meta HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n";
    try (LogCapture log = new LogCapture()) {
      List<Future<Void>> hangUps = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        hangUps.add(vertx.createNetClient().connect(router.port, "127.0.0.1")
            .compose(socket -> socket.write(head + "{\"a\":\"" + "b".repeat(94)).map(socket))
            .compose(NetSocket::close));
      }
      Await.result(Future.all(hangUps));
      // The first hang-up each loop notices is reported at once, whatever else follows.
      Await.until("the hang-ups are noticed", java.time.Duration.ofSeconds(10),
          () -> log.events().stream().anyMatch(e -> e.getLoggerName().endsWith("ClientAborts")));
      int loops = Math.max(2, Runtime.getRuntime().availableProcessors());
      // Other verticles may log meanwhile (the start-up retention purge): only the hang-up lines are counted.
      List<ILoggingEvent> lines = log.events().stream().filter(e -> e.getLoggerName().endsWith("ClientAborts")).toList();
      assertTrue(lines.size() <= loops, log::text);
      log.events().forEach(e -> assertNull(e.getThrowableProxy(), e::getFormattedMessage));
      assertTrue(lines.stream().allMatch(e -> e.getFormattedMessage().contains("broken off mid-body")), log::text);
    }
  }

  @Test
  @DisplayName("every response says X-Content-Type-Options: nosniff, Vert.x's own refusals included")
  void nosniffEverywhere(Vertx vertx) {
    byte[] tooBig = new byte[router.config.ingress().maxBodyBytes() + 1];
    List<HttpResponse<Buffer>> answers = List.of(
        router.get("/health/live"), router.get("/metrics"), router.get("/nothing-here"),
        router.get("/webhooks/meta"), router.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong"),
        router.get("/api/openapi.yaml"), router.get("/api/events/%zz"),
        router.postMeta(Fixtures.bytes("meta-text-01.json")), router.post("meta", tooBig, java.util.Map.of()),
        router.post("meta", "{}".getBytes(StandardCharsets.UTF_8), java.util.Map.of("X-Hub-Signature-256", "sha256=00")),
        Await.result(router.client.get(router.port, "127.0.0.1", "/api/openapi.yaml").putHeader("X-API-Key", "k").send()),
        Await.result(router.client.put(router.port, "127.0.0.1", "/health/live").send()));
    answers.forEach(a -> assertEquals("nosniff", a.getHeader("x-content-type-options"), a.statusCode() + " " + a.bodyAsString()));
    assertTrue(answers.stream().map(HttpResponse::statusCode).distinct().count() >= 6, "several kinds of answer");

    // A header Netty cannot parse never reaches the router: the server's invalid-request handler answers.
    String text = raw(vertx, "GET /x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    assertTrue(text.startsWith("HTTP/1.1 400") && text.contains("x-content-type-options: nosniff")
        && text.contains("\"code\":\"bad_request\""), text);
  }

  @Test
  @DisplayName("a malformed chunk in a webhook body closes the connection, stores nothing and logs no stack trace")
  void malformedChunk(Vertx vertx) {
    try (LogCapture log = new LogCapture()) {
      assertEquals("", raw(vertx, "POST /webhooks/meta HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "zz\r\nabc\r\n0\r\n\r\n"));
      log.events().forEach(e -> assertNull(e.getThrowableProxy(), e::getFormattedMessage));
    }
    assertEquals(0, TestPostgres.count("SELECT 1 FROM inbound_webhooks"));
  }

  /** Sends raw bytes on a new connection and returns everything read until the server closes it. */
  private String raw(Vertx vertx, String request) {
    return Await.result(vertx.createNetClient().connect(router.port, "127.0.0.1").compose(socket -> {
      var answer = io.vertx.core.Promise.<Buffer>promise();
      Buffer received = Buffer.buffer();
      socket.handler(received::appendBuffer).closeHandler(v -> answer.tryComplete(received));
      return socket.write(request).compose(v -> answer.future());
    })).toString(StandardCharsets.US_ASCII);
  }
}
