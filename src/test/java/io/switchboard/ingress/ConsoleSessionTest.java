package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.ManagementClient;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Console sessions: the cookie, the CSRF guard on the API, expiry")
class ConsoleSessionTest {

  private static final Pattern CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");

  private TestRouter router;
  private String origin;

  @BeforeEach
  void start(Vertx vertx) {
    TestPostgres.reset();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonObject("admin").put("sessionTimeout", "2s");
    router = TestRouter.start(vertx, tree);
    origin = "http://127.0.0.1:" + router.port;
  }

  @Test
  @DisplayName("signing in sets an HttpOnly, SameSite=Strict cookie with a Max-Age, Secure behind TLS; a wrong key sets none")
  void cookie() {
    HttpResponse<Buffer> wrong = login("wrong", null);
    assertEquals(401, wrong.statusCode());
    assertTrue(wrong.cookies().isEmpty());

    String cookie = login(ManagementClient.KEY, null).cookies().get(0);
    assertTrue(cookie.startsWith(ConsoleSessions.COOKIE + "="), cookie);
    assertTrue(cookie.contains("HTTPOnly") || cookie.contains("HttpOnly"), cookie);
    assertTrue(cookie.contains("SameSite=Strict"), cookie);
    assertTrue(cookie.contains("Max-Age=2"), cookie);
    assertTrue(cookie.contains("Path=/"), cookie);
    assertFalse(cookie.contains("Secure"), cookie);
    assertTrue(login(ManagementClient.KEY, "https").cookies().get(0).contains("Secure"));
  }

  @Test
  @DisplayName("a login form posted from another origin is refused before the key is looked at")
  void crossOriginLogin() {
    HttpResponse<Buffer> response = Await.result(router.client.post(router.port, "127.0.0.1", "/console/login")
        .putHeader("origin", "http://127.0.0.1:1").sendForm(MultiMap.caseInsensitiveMultiMap().add("key", ManagementClient.KEY)));
    assertEquals(403, response.statusCode());
    assertTrue(response.cookies().isEmpty());
  }

  @Test
  @DisplayName("with the session cookie, reads pass; changes need this origin and the page's CSRF token; X-API-Key needs neither")
  void csrf() {
    String session = sessionCookie();
    String token = csrfToken(session);
    assertEquals(200, send(get("/api/subscriptions"), session).statusCode());
    JsonObject replay = new JsonObject().put("status", "failed");
    assertEquals(403, send(post("/api/webhook/replay"), session).statusCode(), "no Origin, no token");
    assertEquals(403, send(post("/api/webhook/replay").putHeader("origin", origin), session).statusCode(), "no token");
    assertEquals(403, send(post("/api/webhook/replay").putHeader("origin", "http://127.0.0.1:1")
        .putHeader(ConsoleSessions.CSRF_HEADER, token), session).statusCode(), "foreign origin");
    assertEquals(403, send(post("/api/webhook/replay").putHeader("origin", origin)
        .putHeader(ConsoleSessions.CSRF_HEADER, token + "x"), session).statusCode(), "wrong token");
    HttpResponse<Buffer> allowed = Await.result(post("/api/webhook/replay").putHeader("cookie", session)
        .putHeader("origin", origin).putHeader(ConsoleSessions.CSRF_HEADER, token).sendJsonObject(replay));
    assertEquals(200, allowed.statusCode(), allowed.bodyAsString());
    assertEquals(200, Await.result(post("/api/webhook/replay").putHeader("X-API-Key", ManagementClient.KEY)
        .sendJsonObject(replay)).statusCode());
    assertEquals(401, send(get("/api/subscriptions"), ConsoleSessions.COOKIE + "=made-up").statusCode());
  }

  @Test
  @DisplayName("a session ends at its timeout, and at sign-out at once")
  void expiry() {
    String session = sessionCookie();
    assertEquals(200, send(get("/console/overview"), session).statusCode());
    Await.until("the session expired", Duration.ofSeconds(10),
        () -> send(get("/api/subscriptions"), session).statusCode() == 401);
    assertEquals(303, send(get("/console/overview"), session).statusCode());

    String next = sessionCookie();
    HttpResponse<Buffer> out = Await.result(router.client.post(router.port, "127.0.0.1", "/console/logout")
        .followRedirects(false).putHeader("cookie", next).putHeader("origin", origin)
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("csrf", csrfToken(next))));
    assertEquals(303, out.statusCode());
    assertTrue(out.cookies().get(0).contains("Max-Age=0"), out.cookies().toString());
    assertEquals(401, send(get("/api/subscriptions"), next).statusCode());
  }

  @Test
  @DisplayName("pages and streams need a session: pages send the browser to sign in, streams answer 401")
  void pagesNeedSession() {
    HttpResponse<Buffer> page = send(get("/console/inbound"), null);
    assertEquals(303, page.statusCode());
    assertEquals("/console/login", page.getHeader("location"));
    assertEquals(303, send(get("/api/docs"), null).statusCode());
    assertEquals(401, send(get("/console/stream/overview"), null).statusCode());
    assertEquals(200, send(get("/console/login"), null).statusCode());
    assertEquals(404, send(get("/console/nothing-here"), sessionCookie()).statusCode());
    HttpResponse<Buffer> asset = send(get("/console/assets/console.js"), null);
    assertEquals(200, asset.statusCode());
    assertNotNull(asset.getHeader("cache-control"));
    assertNull(send(get("/console/login"), null).getHeader("set-cookie"));
  }

  @Test
  @DisplayName("a browser reaching the router by a name not in admin.consoleHosts (a DNS-rebinding page) gets 421, key or no key; scripts without browser headers are not affected")
  void rebinding() {
    String evil = "rebind.example:" + router.port;
    HttpResponse<Buffer> page = send(get("/console/login").putHeader("host", evil).putHeader("sec-fetch-site", "same-origin"), null);
    assertEquals(421, page.statusCode());
    assertTrue(page.bodyAsString().contains("admin.consoleHosts"), page.bodyAsString());
    HttpResponse<Buffer> signIn = Await.result(post("/console/login").putHeader("host", evil)
        .putHeader("origin", "http://" + evil).sendForm(MultiMap.caseInsensitiveMultiMap().add("key", ManagementClient.KEY)));
    assertEquals(421, signIn.statusCode());
    assertTrue(signIn.cookies().isEmpty());
    assertEquals(421, Await.result(post("/api/subscriptions").putHeader("host", evil).putHeader("origin", "http://" + evil)
        .putHeader("X-API-Key", ManagementClient.KEY).sendJsonObject(new JsonObject())).statusCode());
    assertEquals(200, send(get("/api/subscriptions").putHeader("host", evil).putHeader("X-API-Key", ManagementClient.KEY),
        null).statusCode(), "curl by any name");
    assertEquals(200, send(get("/console/login").putHeader("host", "localhost:" + router.port)
        .putHeader("sec-fetch-site", "none"), null).statusCode(), "loopback names are always allowed");
  }

  @Test
  @DisplayName("after 10 wrong keys from one address within a minute, sign-in and X-API-Key answer 429, right key or not")
  void guessing() {
    for (int i = 0; i < SignInThrottle.FAILURES_PER_MINUTE; i++) {
      assertEquals(401, login("wrong-" + i, null).statusCode());
    }
    HttpResponse<Buffer> blocked = login(ManagementClient.KEY, null);
    assertEquals(429, blocked.statusCode());
    assertNotNull(blocked.getHeader("retry-after"));
    assertEquals(429, send(get("/api/subscriptions").putHeader("X-API-Key", ManagementClient.KEY), null).statusCode());
  }

  @Test
  @DisplayName("a live stream ends when its session is signed out")
  void streamEndsAtSignOut(Vertx vertx) {
    String session = sessionCookie();
    String token = csrfToken(session);
    var client = vertx.createHttpClient();
    var stream = Await.result(client.request(io.vertx.core.http.HttpMethod.GET, router.port, "127.0.0.1",
            "/console/stream/tail")
        .compose(request -> request.putHeader("cookie", session).send()));
    assertEquals(200, stream.statusCode(), "the stream is open before the sign-out");
    io.vertx.core.Future<Void> ended = stream.end();
    HttpResponse<Buffer> out = Await.result(post("/console/logout").followRedirects(false).putHeader("cookie", session)
        .putHeader("origin", origin).sendForm(MultiMap.caseInsensitiveMultiMap().add("csrf", token)));
    assertEquals(303, out.statusCode());
    Await.result(ended, Duration.ofSeconds(5));
  }

  private HttpResponse<Buffer> login(String key, String forwardedProto) {
    HttpRequest<Buffer> request = router.client.post(router.port, "127.0.0.1", "/console/login").followRedirects(false)
        .putHeader("origin", origin);
    if (forwardedProto != null) {
      request.putHeader("x-forwarded-proto", forwardedProto).putHeader("origin", forwardedProto + "://127.0.0.1:" + router.port);
    }
    return Await.result(request.sendForm(MultiMap.caseInsensitiveMultiMap().add("key", key)));
  }

  private String sessionCookie() {
    HttpResponse<Buffer> response = login(ManagementClient.KEY, null);
    assertEquals(303, response.statusCode());
    return response.cookies().get(0).split(";", 2)[0];
  }

  private String csrfToken(String session) {
    Matcher m = CSRF.matcher(send(get("/console/overview"), session).bodyAsString());
    assertTrue(m.find());
    return m.group(1);
  }

  private HttpRequest<Buffer> get(String uri) {
    return router.client.get(router.port, "127.0.0.1", uri).followRedirects(false);
  }

  private HttpRequest<Buffer> post(String uri) {
    return router.client.post(router.port, "127.0.0.1", uri);
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, String cookie) {
    if (cookie != null) {
      request.putHeader("cookie", cookie);
    }
    return Await.result(request.send());
  }
}
