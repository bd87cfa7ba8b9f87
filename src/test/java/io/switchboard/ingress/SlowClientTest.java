package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Fixtures;
import io.switchboard.support.RawHttp;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Raw sockets against the real router: what an idle timeout alone lets through, and what closes it now. */
@ExtendWith(VertxExtension.class)
@DisplayName("Slow clients on ingress")
class SlowClientTest {

  private static final long READ_TIMEOUT_MS = 1000;
  /** Far beyond the read timeout, so a close within it is the read deadline's doing. */
  private static final int GIVE_UP_MS = 10_000;

  private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTrickling() {
    trickler.shutdownNow();
  }

  private static TestRouter router(Vertx vertx, String idleTimeout, String requestReadTimeout) {
    TestPostgres.reset();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("http").put("idleTimeout", idleTimeout).put("requestReadTimeout", requestReadTimeout);
    return TestRouter.start(vertx, tree);
  }

  @Test
  @DisplayName("headers sent one byte every 100 ms (never idle) are cut off at http.requestReadTimeout")
  void headersByteByByte(Vertx vertx) throws Exception {
    TestRouter router = router(vertx, "30s", READ_TIMEOUT_MS + "ms");
    try (Socket socket = new Socket("127.0.0.1", router.port)) {
      byte[] headers = ("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(10_000)).getBytes(StandardCharsets.US_ASCII);
      trickle(socket.getOutputStream(), headers);
      assertClosedWithin(socket, READ_TIMEOUT_MS + 2000);
    }
  }

  @Test
  @DisplayName("a body that announces 2000 bytes and sends 100 is cut off at http.requestReadTimeout")
  void shortBody(Vertx vertx) throws Exception {
    TestRouter router = router(vertx, "30s", READ_TIMEOUT_MS + "ms");
    try (Socket socket = new Socket("127.0.0.1", router.port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /webhooks/meta HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n"
          + "{\"a\":\"" + "b".repeat(94)).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertClosedWithin(socket, READ_TIMEOUT_MS + 2000);
    }
  }

  @Test
  @DisplayName("on a kept-alive connection the clock restarts after each response: the next request trickled is cut off too")
  void keptAliveConnection(Vertx vertx) throws Exception {
    TestRouter router = router(vertx, "30s", READ_TIMEOUT_MS + "ms");
    try (Socket socket = new Socket("127.0.0.1", router.port)) {
      socket.setSoTimeout(GIVE_UP_MS);
      OutputStream out = socket.getOutputStream();
      out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = RawHttp.readHead(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      assertTrue(answer.toLowerCase().contains("x-content-type-options: nosniff"), answer);
      trickle(out, ("GET /health/live HTTP/1.1\r\nX-Slow: " + "a".repeat(10_000)).getBytes(StandardCharsets.US_ASCII));
      assertClosedWithin(socket, READ_TIMEOUT_MS + 2000);
    }
  }

  @Test
  @DisplayName("webhooks on one kept-alive connection for three read timeouts keep it open; after the last answer a trickled request is cut off")
  void keptAliveWebhooks(Vertx vertx) throws Exception {
    TestRouter router = router(vertx, "30s", READ_TIMEOUT_MS + "ms");
    try (Socket socket = new Socket("127.0.0.1", router.port)) {
      socket.setSoTimeout(GIVE_UP_MS);
      OutputStream out = socket.getOutputStream();
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * READ_TIMEOUT_MS);
      int sent = 0;
      while (System.nanoTime() < until) {
        byte[] body = Fixtures.unique("meta-text-01.json", "kept-" + sent++);
        out.write(signedHead(body));
        out.write(body);
        out.flush();
        String answer = RawHttp.readHead(socket.getInputStream());
        assertTrue(answer.startsWith("HTTP/1.1 200"), "request " + sent + ": " + answer);
        socket.getInputStream().readNBytes(RawHttp.contentLength(answer)); // the body, so the next answer starts clean
        TimeUnit.MILLISECONDS.sleep(READ_TIMEOUT_MS / 5); // the client's pause between webhooks: the behaviour under test
      }
      trickle(out, ("POST /webhooks/meta HTTP/1.1\r\nX-Slow: " + "a".repeat(10_000)).getBytes(StandardCharsets.US_ASCII));
      assertClosedWithin(socket, READ_TIMEOUT_MS + 2000);
    }
  }

  @Test
  @DisplayName("a signed webhook sent in three pieces within the deadline is accepted, however long storage takes to answer")
  void politeClientPasses(Vertx vertx) throws Exception {
    TestRouter router = router(vertx, "30s", READ_TIMEOUT_MS + "ms");
    byte[] body = Fixtures.bytes("meta-text-01.json");
    byte[] head = signedHead(body);
    try (Socket socket = new Socket("127.0.0.1", router.port)) {
      socket.setSoTimeout(GIVE_UP_MS);
      OutputStream out = socket.getOutputStream();
      out.write(head);
      out.flush();
      // The client pauses between pieces (the behaviour under test); the answer is awaited by reading it.
      trickler.schedule(() -> write(out, body, 0, body.length / 2), 200, TimeUnit.MILLISECONDS);
      trickler.schedule(() -> write(out, body, body.length / 2, body.length - body.length / 2), 400, TimeUnit.MILLISECONDS);
      String answer = RawHttp.readHead(socket.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }
    assertEquals(1, TestPostgres.count("SELECT 1 FROM inbound_webhooks"));
  }

  @Test
  @DisplayName("a connection that sends nothing is closed at http.idleTimeout")
  void idleConnection(Vertx vertx) throws Exception {
    TestRouter router = router(vertx, "1s", "30s");
    try (Socket socket = new Socket("127.0.0.1", router.port)) {
      assertClosedWithin(socket, 3000);
    }
  }

  private static Void write(OutputStream out, byte[] bytes, int from, int length) throws IOException {
    out.write(bytes, from, length);
    out.flush();
    return null;
  }

  /** Writes one byte every 100 ms until the bytes run out or the server closes the connection. */
  private void trickle(OutputStream out, byte[] bytes) {
    int[] next = {0};
    trickler.scheduleAtFixedRate(() -> {
      try {
        if (next[0] < bytes.length) {
          out.write(bytes[next[0]++]);
          out.flush();
        }
      } catch (IOException closed) {
        throw new IllegalStateException("closed", closed); // ends the schedule
      }
    }, 0, 100, TimeUnit.MILLISECONDS);
  }

  /** The server closes the connection (EOF or reset) within {@code millis} of now; no answer is owed. */
  private static void assertClosedWithin(Socket socket, long millis) throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout(GIVE_UP_MS);
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // a 408 or any other answer before the close is fine: the close is what is asserted
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection was still open after " + GIVE_UP_MS + " ms");
    } catch (SocketException reset) {
      // the server closed while we were still writing: as closed as it gets
    }
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(elapsed <= millis, "closed after " + elapsed + " ms, expected within " + millis);
  }

  /** One response's status line and headers (enough to assert on; the body is not read). */
  /** The request line and headers of a signed webhook POST carrying {@code body}. */
  private static byte[] signedHead(byte[] body) {
    return ("POST /webhooks/meta HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Hub-Signature-256: "
        + Fixtures.metaSignature(Fixtures.APP_SECRET, body) + "\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }


}
