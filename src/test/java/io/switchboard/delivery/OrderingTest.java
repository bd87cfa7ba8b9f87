package io.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.CallbackServer;
import io.switchboard.support.LogCapture;
import io.switchboard.support.ManagementClient;
import io.switchboard.support.Payloads;
import io.switchboard.support.TestPostgres;
import io.switchboard.support.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Ordered delivery: per-contact order and statuses that never go backwards (docs/ordering.md)")
class OrderingTest {

  private static final String SCHEDULE = "300ms,300ms,300ms,300ms,300ms,300ms";

  private static String text(CallbackServer.Received r) {
    return r.json().getJsonObject("data").getString("text");
  }

  /** A receiver that answers 503 to the message with this text, and 200 to every other. */
  private static CallbackServer refusing(Vertx vertx, String refused) {
    CallbackServer callbacks = new CallbackServer(vertx).start();
    callbacks.script(r -> refused.equals(text(r)) ? new CallbackServer.Answer(503, null, 0) : CallbackServer.Answer.ok());
    return callbacks;
  }

  /** A router with one subscription, ordered by contact, taking message.received to {@code callbacks} at /name. */
  private static TestRouter orderedRouter(Vertx vertx, CallbackServer callbacks, String name, String schedule) {
    return TestRouter.start(vertx, orderedConfig(callbacks, name, schedule, null));
  }

  private static JsonObject orderedConfig(CallbackServer callbacks, String name, String schedule, String holdLimit) {
    JsonObject subscription = TestRouter.subscription(name, callbacks.url("/" + name), "message.received")
        .put("ordering", "contact").put("schedule", schedule);
    if (holdLimit != null) {
      subscription.put("orderingHoldLimit", holdLimit);
    }
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions").add(subscription);
    return tree;
  }

  private static String status(CallbackServer.Received r) {
    return r.json().getJsonObject("data").getString("status");
  }

  @Test
  @DisplayName("read posted before delivered: a monotonic subscription gets read only (delivered superseded, in logs, stats and metrics); a plain one gets both")
  void monotonicStatuses(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = new CallbackServer(vertx).start();
    JsonObject tree = TestRouter.baseConfig();
    tree.getJsonArray("subscriptions")
        .add(TestRouter.subscription("mono", callbacks.url("/mono"), "message.status.*").put("statusOrder", "monotonic"))
        .add(TestRouter.subscription("plain", callbacks.url("/plain"), "message.status.*"));
    TestRouter router = TestRouter.start(vertx, tree);

    String wamid = "wamid.ordering-monotonic-1";
    assertEquals(200, router.postMeta(Payloads.status("15550001111", wamid, "read")).statusCode());
    Await.until("read reached both", Duration.ofSeconds(10),
        () -> callbacks.at("/mono").size() == 1 && callbacks.at("/plain").size() == 1);
    assertEquals(200, router.postMeta(Payloads.status("15550001111", wamid, "delivered")).statusCode());
    Await.until("the plain subscription got delivered too", Duration.ofSeconds(10), () -> callbacks.at("/plain").size() == 2);
    Await.until("the monotonic one recorded it superseded", Duration.ofSeconds(10), () -> TestPostgres.count(
        "SELECT * FROM deliveries WHERE status = 'superseded'") == 1);

    assertEquals(List.of("read"), callbacks.at("/mono").stream().map(OrderingTest::status).toList());
    assertEquals(List.of("read", "delivered"), callbacks.at("/plain").stream().map(OrderingTest::status).toList());
    ManagementClient api = new ManagementClient(router);
    JsonObject superseded = api.get("/api/webhook/logs?status=superseded").bodyAsJsonObject();
    assertEquals(1, superseded.getJsonArray("data").size());
    assertEquals("message.status.delivered", superseded.getJsonArray("data").getJsonObject(0).getString("event_type"));
    assertEquals(1, ManagementClient.data(api.get("/api/webhook/stats?days=1")).getInteger("superseded"));
    assertTrue(router.get("/metrics").bodyAsString().matches(
        "(?s).*switchboard_deliveries_total\\{[^}]*outcome=\"superseded\"[^}]*subscription=\"mono\"[^}]*\\} 1\\.0.*"),
        "counted in the metrics");
    // A status a monotonic subscription has no rank for (failed) always passes.
    assertEquals(200, router.postMeta(Payloads.status("15550001111", wamid, "failed")).statusCode());
    Await.until("failed passes", Duration.ofSeconds(10), () -> callbacks.at("/mono").size() == 2);
  }

  @Test
  @DisplayName("m1..m5 of one contact while the subscriber fails m2 three times: received in order; another contact is not held meanwhile")
  void contactOrder(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = new CallbackServer(vertx).start();
    AtomicInteger m2Failures = new AtomicInteger();
    Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
    callbacks.script(r -> {
      String text = text(r);
      if ("alice m2".equals(text) && m2Failures.incrementAndGet() <= 3) {
        return new CallbackServer.Answer(503, null, 0);
      }
      acceptedAt.putIfAbsent(text, System.nanoTime());
      return CallbackServer.Answer.ok();
    });
    TestRouter router = orderedRouter(vertx, callbacks, "ordered", SCHEDULE);

    for (int i = 1; i <= 5; i++) {
      assertEquals(200, router.postMeta(Payloads.text("15550001111", "wamid.alice-" + i, "alice m" + i)).statusCode());
    }
    Await.until("m2 failed once", Duration.ofSeconds(10), () -> m2Failures.get() >= 1);
    for (int i = 1; i <= 3; i++) {
      assertEquals(200, router.postMeta(Payloads.text("15550002222", "wamid.bob-" + i, "bob m" + i)).statusCode());
    }
    Await.until("every message accepted", Duration.ofSeconds(20), () -> acceptedAt.size() == 8);

    List<String> alice = callbacks.accepted.stream().map(OrderingTest::text).filter(t -> t.startsWith("alice")).toList();
    assertEquals(List.of("alice m1", "alice m2", "alice m3", "alice m4", "alice m5"), alice);
    List<String> aliceTried = callbacks.received.stream().map(OrderingTest::text).filter(t -> t.startsWith("alice"))
        .distinct().toList();
    assertEquals(alice, aliceTried, "nothing of alice's was even tried out of turn");
    assertEquals(4, m2Failures.get(), "m2 failed three times, then was accepted");
    assertTrue(acceptedAt.get("bob m3") < acceptedAt.get("alice m2"),
        "bob's messages went through while alice's m2 was failing");
    assertEquals(0, TestPostgres.count("SELECT * FROM deliveries WHERE status <> 'succeeded'"));
  }

  @Test
  @DisplayName("a head failing past orderingHoldLimit is failed (retryable) and its contact moves on")
  void holdLimit(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = refusing(vertx, "carol m1");
    TestRouter router = TestRouter.start(vertx, orderedConfig(callbacks, "ordered", SCHEDULE, "1s"));

    assertEquals(200, router.postMeta(Payloads.text("15550003333", "wamid.carol-1", "carol m1")).statusCode());
    assertEquals(200, router.postMeta(Payloads.text("15550003333", "wamid.carol-2", "carol m2")).statusCode());
    Await.until("m2 delivered after m1 was given up", Duration.ofSeconds(15),
        () -> callbacks.accepted.stream().anyMatch(r -> "carol m2".equals(text(r))));
    assertEquals("failed", TestPostgres.queryString("SELECT status FROM deliveries d JOIN events e ON e.id = d.message_id"
        + " WHERE e.payload->'data'->>'text' = 'carol m1'"));
    assertTrue(TestPostgres.queryString("SELECT last_error FROM deliveries WHERE status = 'failed'")
        .contains("orderingHoldLimit"));
  }

  @Test
  @DisplayName("the management API takes and shows the ordering keys, and refuses a misspelt value or a raw ordered subscription by name")
  void managementApi(Vertx vertx) {
    TestPostgres.reset();
    TestRouter router = TestRouter.start(vertx, TestRouter.baseConfig());
    ManagementClient api = new ManagementClient(router);
    JsonObject ordered = new JsonObject().put("name", "ordered-api").put("url", "https://crm.example/hooks")
        .put("ordering", "contact").put("statusOrder", "monotonic").put("orderingHoldLimit", "5m");
    JsonObject created = ManagementClient.data(api.post("/api/subscriptions", ordered));
    assertEquals("contact", created.getString("ordering"));
    assertEquals("monotonic", created.getString("statusOrder"));
    assertEquals("300s", created.getString("orderingHoldLimit"));
    JsonObject plain = ManagementClient.data(api.post("/api/subscriptions",
        new JsonObject().put("name", "plain-api").put("url", "https://crm.example/plain")));
    assertEquals("none", plain.getString("ordering"));
    assertEquals("any", plain.getString("statusOrder"));
    assertEquals("1800s", plain.getString("orderingHoldLimit"));

    var misspelt = api.post("/api/subscriptions", ordered.copy().put("name", "x").put("ordering", "contacts"));
    assertEquals(400, misspelt.statusCode());
    assertTrue(misspelt.bodyAsString().contains("subscription.ordering: must be one of [none, contact] (got 'contacts')"),
        misspelt.bodyAsString());
    var raw = api.post("/api/subscriptions", ordered.copy().put("name", "y").put("format", "raw"));
    assertEquals(400, raw.statusCode());
    assertTrue(raw.bodyAsString().contains("subscription.format: raw cannot be ordered"), raw.bodyAsString());
  }

  @Test
  @DisplayName("a subscription switched from ordering: contact to none lets its waiting deliveries go at once")
  void orderingTurnedOff(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = refusing(vertx, "dave m1");
    TestRouter router = TestRouter.start(vertx, TestRouter.baseConfig());
    ManagementClient api = new ManagementClient(router);
    JsonObject spec = new JsonObject().put("name", "switched").put("url", callbacks.url("/switched"))
        .put("events", new io.vertx.core.json.JsonArray().add("message.received")).put("ordering", "contact")
        .put("schedule", "1s,1s,1s,1s,1s,1s,1s,1s,1s,1s");
    long id = ManagementClient.data(api.post("/api/subscriptions", spec)).getLong("id");
    for (int i = 1; i <= 3; i++) {
      assertEquals(200, router.postMeta(Payloads.text("15550004444", "wamid.dave-" + i, "dave m" + i)).statusCode());
    }
    Await.until("m2 and m3 wait behind the failing m1", Duration.ofSeconds(10), () -> TestPostgres.count(
        "SELECT * FROM deliveries WHERE next_attempt_at = 'infinity'") == 2);
    assertEquals(200, api.put("/api/subscriptions/" + id, spec.copy().put("ordering", "none")).statusCode());
    Await.until("m2 and m3 delivered while m1 still fails", Duration.ofSeconds(10),
        () -> callbacks.accepted.stream().map(OrderingTest::text).toList().containsAll(List.of("dave m2", "dave m3")));
    assertTrue(callbacks.accepted.stream().noneMatch(r -> "dave m1".equals(text(r))));
  }

  @Test
  @DisplayName("a sequence left with no head (its head ended by an instance that died before leasing the next) is woken by the sweep, in order")
  void headlessSequenceWoken(Vertx vertx) {
    TestPostgres.reset();
    CallbackServer callbacks = refusing(vertx, "eve m1");
    TestRouter router = orderedRouter(vertx, callbacks, "eve", "10m");
    for (int i = 1; i <= 3; i++) {
      assertEquals(200, router.postMeta(Payloads.text("15550005555", "wamid.eve-" + i, "eve m" + i)).statusCode());
    }
    // m1 sent, refused and due again in ten minutes (within orderingHoldLimit): the sequence has its head. The log
    // line below tells the sweep's wake-up from a leasing pass that might still have been under way.
    Await.until("m1 refused once and m2, m3 waiting behind it", Duration.ofSeconds(10),
        () -> TestPostgres.count("SELECT * FROM deliveries WHERE status = 'pending'"
            + " AND next_attempt_at > now() + interval '5 minutes' AND next_attempt_at <> 'infinity'") == 1
            && TestPostgres.count("SELECT * FROM deliveries WHERE next_attempt_at = 'infinity'") == 2);
    try (LogCapture log = new LogCapture()) {
      // What an instance killed between ending a head and leasing the next leaves behind: no head, only waiting rows.
      TestPostgres.execute("UPDATE deliveries SET status = 'failed', completed_at = now()"
          + " WHERE status = 'pending' AND next_attempt_at <> 'infinity'");
      Await.until("m2 then m3 delivered", Duration.ofSeconds(10), () -> callbacks.accepted.size() == 2);
      assertTrue(log.text().contains("1 ordered sequence(s) had no head"), "woken by the sweep: " + log.text());
    }
    assertEquals(List.of("eve m2", "eve m3"), callbacks.accepted.stream().map(OrderingTest::text).toList());
  }
}
