package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A source's {@code rateLimit} over HTTP: 429 with Retry-After per client address, counted in /metrics. */
@ExtendWith(VertxExtension.class)
@DisplayName("Ingress rate limit")
class RateLimitTest {

  private static final byte[] BODY = Fixtures.bytes("meta-text-01.json");

  private TestRouter router;

  @BeforeEach
  void start(Vertx vertx) {
    TestPostgres.reset();
    JsonObject tree = TestRouter.baseConfig();
    // perHour, not perMinute: a burst of a few ms cannot straddle an hour's end the way it could a minute's.
    tree.getJsonArray("sources")
        .add(source("proxied", new JsonObject().put("perHour", 3)).put("trustProxy", true))
        .add(source("direct", new JsonObject().put("perHour", 2)));
    router = TestRouter.start(vertx, tree);
  }

  private static JsonObject source(String name, JsonObject rateLimit) {
    return new JsonObject().put("name", name).put("kind", "meta").put("appSecret", Fixtures.APP_SECRET)
        .put("rateLimit", rateLimit);
  }

  private HttpResponse<Buffer> post(String source, String forwardedFor) {
    return router.post(source, BODY, Map.of("X-Hub-Signature-256", Fixtures.metaSignature(Fixtures.APP_SECRET, BODY),
        "X-Forwarded-For", forwardedFor));
  }

  private static void assertLimited(HttpResponse<Buffer> response) {
    assertEquals(429, response.statusCode(), response.bodyAsString());
    long retryAfter = Long.parseLong(response.getHeader("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter);
    assertEquals("rate_limited", response.bodyAsJsonObject().getString("code"));
  }

  @Test
  @DisplayName("Behind a trusted proxy a burst from one address gets 429 with Retry-After while another address is served")
  void perAddressBehindProxy() {
    for (int i = 0; i < 3; i++) {
      assertEquals(200, post("proxied", "198.51.100.1").statusCode());
    }
    assertLimited(post("proxied", "198.51.100.1"));
    assertLimited(post("proxied", "198.51.100.1, 10.0.0.1"));
    assertEquals(200, post("proxied", "198.51.100.2").statusCode());
    assertEquals(200, router.postMeta(BODY).statusCode(), "a source without rateLimit is not limited");

    String metrics = router.get("/metrics").bodyAsString();
    assertTrue(metrics.contains("switchboard_ingress_requests_total{outcome=\"rate_limited\",source=\"proxied\"} 2.0"),
        metrics);
    assertEquals(4, TestPostgres.count("SELECT * FROM inbound_webhooks WHERE source = 'proxied'"), "429s store nothing");
  }

  @Test
  @DisplayName("Without trustProxy X-Forwarded-For is ignored: a client cannot pick a fresh address per request")
  void forwardedForIgnoredWithoutTrust() {
    assertEquals(200, post("direct", "198.51.100.1").statusCode());
    assertEquals(200, post("direct", "198.51.100.2").statusCode());
    assertLimited(post("direct", "198.51.100.3"));
  }
}
