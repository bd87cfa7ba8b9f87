package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.CallbackServer.Answer;
import io.switchboard.support.CallbackServer.Received;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Webhook in, signed normalized event out")
class DeliveryFlowTest {

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final Duration WAIT = Duration.ofSeconds(15);

  private Vertx vertx;
  private CallbackServer callbacks;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    TestPostgres.reset();
    callbacks = new CallbackServer(vertx).start();
  }

  private TestRouter router(JsonObject... subscriptions) {
    JsonObject tree = TestRouter.baseConfig();
    JsonArray subs = tree.getJsonArray("subscriptions");
    for (JsonObject s : subscriptions) {
      subs.add(s);
    }
    return TestRouter.start(vertx, tree);
  }

  @Test
  @DisplayName("a subscription with contactKey receives only that person's events: a business-scoped user id, or a phone number")
  void contactKeyFilter() throws Exception {
    TestRouter router = router(
        TestRouter.subscription("bsuid", callbacks.url("/bsuid"), "message.*").put("contactKey", "US.13491208655302741918"),
        TestRouter.subscription("phone", callbacks.url("/phone"), "message.*").put("contactKey", "1111111111111"));
    byte[] bsuid = java.nio.file.Files.readAllBytes(
        java.nio.file.Path.of("src/test/resources/fixtures/whatsapp-2026/meta-bsuid-text-01.json"));
    assertEquals(200, router.postMeta(bsuid).statusCode());
    assertEquals(200, router.postMeta(Fixtures.bytes("meta-text-01.json")).statusCode());

    Await.until("each got its person's message", WAIT, () -> callbacks.at("/bsuid").size() == 1 && callbacks.at("/phone").size() == 1);
    assertEquals("US.13491208655302741918", callbacks.at("/bsuid").get(0).json().getJsonObject("data").getString("contact_key"));
    assertEquals("1111111111111", callbacks.at("/phone").get(0).json().getJsonObject("data").getString("contact_key"));
    assertEquals(2, TestPostgres.count("SELECT * FROM deliveries"), "no delivery for the other person");
  }

  @Test
  @DisplayName("a signed Meta message and a status arrive as normalized events with valid Standard Webhooks signatures")
  void messageAndStatusDelivered() {
    TestRouter router = router(TestRouter.subscription("crm", callbacks.url("/crm"), "message.*"));
    assertEquals(200, router.postMeta(Fixtures.bytes("meta-text-01.json")).statusCode());
    assertEquals(200, router.postMeta(Fixtures.bytes("meta-status-delivered-01.json")).statusCode());

    Await.until("two callbacks", WAIT, () -> callbacks.received.size() >= 2);
    List<String> types = callbacks.received.stream().map(r -> r.json().getString("type")).sorted().toList();
    assertEquals(List.of("message.received", "message.status.delivered"), types);
    for (Received r : callbacks.received) {
      assertValidSignature(r);
      JsonObject event = r.json();
      assertEquals(r.header("webhook-id"), event.getString("id"));
      assertEquals("meta", event.getString("source"));
      assertEquals("409552778964973", event.getString("phone_number_id"));
      assertTrue(event.getString("id").startsWith("evt_"));
    }
    Received message = callbacks.received.stream()
        .filter(r -> r.json().getString("type").equals("message.received")).findFirst().orElseThrow();
    assertEquals("text", message.json().getJsonObject("data").getString("kind"));
    Await.until("both deliveries succeeded", WAIT,
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == 2);
    assertEquals(2, TestPostgres.count("SELECT * FROM delivery_attempts WHERE status_code = 200"));
  }

  @Test
  @DisplayName("the same update posted twice is stored and delivered once")
  void duplicateDeliveredOnce() {
    TestRouter router = router(TestRouter.subscription("crm", callbacks.url("/crm"), "*"));
    byte[] body = Fixtures.bytes("meta-text-01.json");
    assertEquals(200, router.postMeta(body).statusCode());
    assertEquals(200, router.postMeta(body).statusCode());
    Await.until("both inbound rows processed", WAIT,
        () -> TestPostgres.count("SELECT * FROM inbound_outcomes WHERE status = 'processed'") == 2);
    Await.until("the delivery finished", WAIT,
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == 1);
    assertEquals(1, TestPostgres.count("SELECT * FROM events"));
    assertEquals(1, TestPostgres.count("SELECT * FROM deliveries"));
    assertEquals(1, callbacks.received.size());
  }

  @Test
  @DisplayName("a 503-503-200 endpoint gets exactly three attempts, spaced per the schedule")
  void retriedOnSchedule() {
    AtomicInteger calls = new AtomicInteger();
    callbacks.script(r -> new Answer(calls.incrementAndGet() <= 2 ? 503 : 200, null, 0));
    TestRouter router = router(TestRouter.subscription("crm", callbacks.url("/crm"), "message.received"));
    router.postMeta(Fixtures.bytes("meta-text-01.json"));

    Await.until("the delivery succeeded", WAIT,
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == 1);
    assertEquals(3, callbacks.received.size());
    assertEquals(3, TestPostgres.count("SELECT * FROM delivery_attempts"));
    assertEquals("503,503,200", TestPostgres.queryString(
        "SELECT string_agg(status_code::text, ',' ORDER BY attempt) FROM delivery_attempts"));
    long firstGap = millisBetween(callbacks.received.get(0), callbacks.received.get(1));
    long secondGap = millisBetween(callbacks.received.get(1), callbacks.received.get(2));
    assertTrue(firstGap >= 200 && firstGap < 1500, "first retry after ~200ms, was " + firstGap);
    assertTrue(secondGap >= 400 && secondGap < 1700, "second retry after ~400ms, was " + secondGap);
    // Every attempt is one webhook-id: the subscriber can deduplicate retries.
    assertEquals(1, callbacks.received.stream().map(r -> r.header("webhook-id")).distinct().count());
  }

  @Test
  @DisplayName("a permanently failing endpoint ends failed after the last attempt")
  void deadLetter() {
    callbacks.script(r -> new Answer(500, null, 0));
    TestRouter router = router(TestRouter.subscription("crm", callbacks.url("/crm"), "*"));
    router.postMeta(Fixtures.bytes("meta-text-01.json"));
    Await.until("the delivery failed", WAIT,
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'failed'") == 1);
    assertEquals(3, callbacks.received.size());
    assertEquals(500, TestPostgres.queryLong("SELECT last_status_code FROM deliveries"));
  }

  @Test
  @DisplayName("two subscriptions with different globs each get exactly their events; raw gets the original bytes")
  void globsAndRaw() {
    JsonObject raw = TestRouter.subscription("mirror", callbacks.url("/raw"), "*").put("format", "raw");
    TestRouter router = router(
        TestRouter.subscription("messages", callbacks.url("/messages"), "message.received"),
        TestRouter.subscription("statuses", callbacks.url("/statuses"), "message.status.*"),
        raw);
    byte[] text = Fixtures.bytes("meta-text-01.json");
    byte[] status = Fixtures.bytes("meta-status-read-01.json");
    router.postMeta(text);
    router.postMeta(status);

    Await.until("four callbacks", WAIT, () -> callbacks.received.size() >= 4);
    Await.until("all deliveries done", WAIT,
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'succeeded'") == 4);
    assertEquals(List.of("message.received"), types(callbacks.at("/messages")));
    assertEquals(List.of("message.status.read"), types(callbacks.at("/statuses")));
    List<Received> mirrored = callbacks.at("/raw");
    assertEquals(2, mirrored.size());
    assertTrue(mirrored.stream().anyMatch(r -> java.util.Arrays.equals(text, r.body())));
    assertTrue(mirrored.stream().anyMatch(r -> java.util.Arrays.equals(status, r.body())));
    mirrored.forEach(DeliveryFlowTest::assertValidSignature);
  }

  @Test
  @DisplayName("360dialog's top-level form is classified and delivered too")
  void dialogTopLevel() {
    TestRouter router = router(TestRouter.subscription("crm", callbacks.url("/crm"), "*"));
    var auth = java.util.Map.of("Authorization", "Basic " + java.util.Base64.getEncoder()
        .encodeToString("d360:d360-pass".getBytes(StandardCharsets.UTF_8)));
    assertEquals(200, router.post("360dialog", Fixtures.bytes("360dialog-v1-text-01.json"), auth).statusCode());
    Await.until("one callback", WAIT, () -> callbacks.received.size() == 1);
    JsonObject event = callbacks.received.get(0).json();
    assertEquals("message.received", event.getString("type"));
    assertEquals("360dialog", event.getString("source"));
  }

  private static List<String> types(List<Received> received) {
    return received.stream().map(r -> r.json().getString("type")).toList();
  }

  private static long millisBetween(Received a, Received b) {
    return (b.atNanos() - a.atNanos()) / 1_000_000;
  }

  /** Verifies as a subscriber would, with its own HMAC, not the router's signer. */
  static void assertValidSignature(Received r) {
    String id = r.header("webhook-id");
    String timestamp = r.header("webhook-timestamp");
    String signature = r.header("webhook-signature");
    assertTrue(Math.abs(Long.parseLong(timestamp) - System.currentTimeMillis() / 1000) < 60);
    try {
      var mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(
          java.util.Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      String expected = "v1," + java.util.Base64.getEncoder().encodeToString(mac.doFinal(r.body()));
      assertTrue(MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
          signature.getBytes(StandardCharsets.UTF_8)), "signature " + signature + " expected " + expected);
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
