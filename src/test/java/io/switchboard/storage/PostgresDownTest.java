package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.Fixtures;
import io.switchboard.support.RouterProcess;
import io.switchboard.support.TcpProxy;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@DisplayName("Postgres going away")
class PostgresDownTest {

  @Test
  @DisplayName("the embedded Postgres killed with SIGKILL is started again by the router: webhooks are accepted again, liveness never failed")
  void embeddedRestarted(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = TestRouter.freePort();
    Path dataDir = dir.resolve("pg");
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, """
        http: { port: %d, host: 127.0.0.1 }
        sources: [ { name: meta, kind: meta, appSecret: %s } ]
        storage: { embedded: { dataDir: "%s" } }
        """.formatted(port, Fixtures.APP_SECRET, dataDir));
    RouterProcess router = new RouterProcess(config, dir.resolve("router.log"), port);
    WebClient client = WebClient.create(vertx);
    try {
      router.start();
      assertEquals(200, post(client, port, "before"));

      RouterProcess.killPostgres(dataDir.toFile());

      Await.until("webhooks accepted again", Duration.ofSeconds(60), () -> post(client, port, "after") == 200);
      assertEquals(200, status(client, port, "/health/live"));
      Await.until("the restart is logged", Duration.ofSeconds(30), () -> {
        try {
          return router.log().contains("embedded postgres restarted");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    } finally {
      router.stop();
      RouterProcess.killPostgres(dataDir.toFile());
    }
  }

  @Test
  @DisplayName("Postgres unreachable past storage.maxDowntime: /health/live answers 503, and 200 again once it is back")
  void livenessFailsPastMaxDowntime(Vertx vertx) {
    TestPostgres.reset();
    TcpProxy proxy = new TcpProxy(vertx, TestPostgres.port()).up();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("storage").put("url", "postgresql://postgres@127.0.0.1:" + proxy.port() + "/postgres")
        .put("maxDowntime", "2s");
    TestRouter router = TestRouter.start(vertx, tree);
    assertEquals(200, router.get("/health/live").statusCode());

    proxy.down();
    assertEquals(200, router.get("/health/live").statusCode(), "a blip is not a reason to restart");
    Await.until("liveness fails", Duration.ofSeconds(15), () -> router.get("/health/live").statusCode() == 503);
    assertTrue(router.get("/health/live").bodyAsJsonObject().getString("detail").contains("storage.maxDowntime"));

    proxy.up();
    Await.until("live again", Duration.ofSeconds(15), () -> router.get("/health/live").statusCode() == 200);
  }

  private static int post(WebClient client, int port, String tag) {
    byte[] body = Fixtures.unique("meta-text-01.json", tag + System.nanoTime());
    try {
      return io.switchboard.support.Await.result(client.post(port, "127.0.0.1", "/webhooks/meta")
          .putHeader("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, body))
          .sendBuffer(Buffer.buffer(body))).statusCode();
    } catch (AssertionError e) {
      return -1;
    }
  }

  private static int status(WebClient client, int port, String uri) {
    return io.switchboard.support.Await.result(client.get(port, "127.0.0.1", uri).send()).statusCode();
  }
}
