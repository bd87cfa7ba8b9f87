package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Fixtures;
import io.switchboard.support.RouterProcess;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Logs")
class LoggingTest {

  @Test
  @DisplayName("logging.json gives one JSON object per line, and no secret appears in the log")
  void jsonLinesWithoutSecrets(@TempDir Path dir) throws Exception {
    TestPostgres.reset();
    int port = TestRouter.freePort();
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, """
        http: { port: %d, host: 127.0.0.1 }
        sources: [ { name: meta, kind: meta, appSecret: %s, verifyToken: very-secret-token } ]
        admin: { apiKeys: [ very-secret-admin-key ] }
        storage: { url: "%s" }
        logging: { json: true }
        """.formatted(port, Fixtures.APP_SECRET, TestPostgres.url()));
    RouterProcess router = new RouterProcess(config, dir.resolve("router.log"), port);
    try {
      router.start();
      // A forged request is logged (auth failure) with its source and IP, never with the secret.
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/meta"))
          .header("X-Hub-Signature-256", "sha256=00").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.discarding());
    } finally {
      router.stop();
    }
    List<String> lines = Files.readAllLines(dir.resolve("router.log")).stream()
        .filter(l -> l.startsWith("{")).toList();
    assertTrue(lines.stream().map(JsonObject::new).anyMatch(j -> String.valueOf(j.getValue("message")).contains("switchboard ready")));
    assertTrue(lines.stream().map(JsonObject::new).anyMatch(j -> String.valueOf(j.getValue("message")).contains("auth failed")));
    lines.stream().map(JsonObject::new).forEach(j -> assertTrue(j.containsKey("level") && j.containsKey("loggerName"), j.encode()));
    String log = Files.readString(dir.resolve("router.log"));
    for (String secret : List.of(Fixtures.APP_SECRET, "very-secret-token", "very-secret-admin-key")) {
      assertFalse(log.contains(secret), "the log shows " + secret);
    }
  }
}
