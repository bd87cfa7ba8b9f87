package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.DeliveryJob;
import io.switchboard.api.NormalizedEvent;
import io.switchboard.api.PlannedDelivery;
import io.switchboard.api.PlannedWebhook;
import io.switchboard.api.WebhookReceived;
import io.switchboard.parser.WebhookClassifier;
import io.switchboard.support.Fixtures;
import io.switchboard.support.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The deliveries table has no unique key of its own (V11): these drive {@link EventSql#storeEvents} on Postgres
 * the ways one body, or one event, reaches it twice, and count what it hands on to be sent and what it stores.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Storing classified webhooks: each delivery owed once")
class EventStoreTest {

  private static final Duration LEASE = Duration.ofMinutes(1);
  private static final byte[] BODY = Fixtures.unique("meta-text-01.json", "owed-once");

  private final WebhookClassifier classifier = new WebhookClassifier();
  private long normalized;
  private long raw;

  @BeforeEach
  void subscriptions() {
    TestPostgres.reset();
    normalized = subscription("crm", "normalized");
    raw = subscription("archive", "raw");
  }

  @Test
  @DisplayName("one body stored by two transactions at once (the sweep racing the fast path): its deliveries once")
  void sameBodyRacing(Vertx vertx, VertxTestContext test) {
    Pool pool = pool(vertx);
    PlannedWebhook body = planned(inbound());
    // The first holds its transaction open until the second waits on its event's key, then commits.
    pool.getConnection().compose(held -> held.begin().compose(tx -> EventSql.storeEvents(held, List.of(body))
        .compose(first -> {
          Future<List<EventSql.Stored>> second = store(pool, List.of(body));
          return untilOneWaitsOnALock(vertx, pool).compose(v -> tx.commit()).compose(v -> second)
              .map(next -> {
                List<DeliveryJob> sent = new ArrayList<>(jobs(first.perRequest()));
                sent.addAll(jobs(next));
                return sent;
              });
        })).eventually(held::close))
        .onComplete(test.succeeding(sent -> test.verify(() -> {
          assertEquals(List.of(normalized, raw), sent.stream().map(DeliveryJob::subscriptionId).sorted().toList());
          assertEquals(2, TestPostgres.count("SELECT * FROM deliveries"));
          assertEquals(1, TestPostgres.count("SELECT * FROM events"));
          assertEquals(1, TestPostgres.count("SELECT * FROM inbound_outcomes"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("one body twice in one group (the sweep's copy queued beside the fast path's): its deliveries once")
  void sameBodyInOneGroup(Vertx vertx, VertxTestContext test) {
    PlannedWebhook body = planned(inbound());
    store(pool(vertx), List.of(body, body)).onComplete(test.succeeding(stored -> test.verify(() -> {
      assertEquals(List.of(normalized, raw), subscriptions(stored.get(0)));
      assertEquals(List.of(), subscriptions(stored.get(1)));
      assertEquals(2, TestPostgres.count("SELECT * FROM deliveries"));
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a provider's retry (another body, the same event), in one group or a later one: its raw delivery only")
  void sameEventTwice(Vertx vertx, VertxTestContext test) {
    Pool pool = pool(vertx);
    PlannedWebhook first = planned(inbound());
    PlannedWebhook retry = planned(inbound());
    PlannedWebhook later = planned(inbound());
    store(pool, List.of(first, retry))
        .compose(group -> store(pool, List.of(later)).map(next -> List.of(group.get(0), group.get(1), next.get(0))))
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          assertEquals(List.of(normalized, raw), subscriptions(stored.get(0)));
          assertEquals(List.of(raw), subscriptions(stored.get(1)));
          assertEquals(List.of(raw), subscriptions(stored.get(2)));
          String eventId = first.classified().events().get(0).id();
          assertEquals(List.of(), stored.get(0).duplicates());
          assertEquals(List.of(eventId), stored.get(1).duplicates());
          assertEquals(List.of(eventId), stored.get(2).duplicates());
          assertEquals(1, TestPostgres.count("SELECT * FROM deliveries WHERE message_id = '%s'".formatted(eventId)));
          assertEquals(3, TestPostgres.count("SELECT * FROM deliveries WHERE event_type = 'raw'"));
          test.completeNow();
        })));
  }

  private static Future<List<EventSql.Stored>> store(Pool pool, List<PlannedWebhook> group) {
    return pool.withTransaction(c -> EventSql.storeEvents(c, group)).map(EventSql.StoredGroup::perRequest);
  }

  private static List<DeliveryJob> jobs(List<EventSql.Stored> stored) {
    return stored.stream().flatMap(s -> s.jobs().stream()).toList();
  }

  private static List<Long> subscriptions(EventSql.Stored stored) {
    return stored.jobs().stream().map(DeliveryJob::subscriptionId).sorted().toList();
  }

  /** The fixture's body as one inbound row, classified, owing its event to one subscription, the body to the other. */
  private PlannedWebhook planned(WebhookReceived received) {
    ClassifiedWebhook classified = classifier.classify(received).withBody(received.body());
    NormalizedEvent event = classified.events().get(0);
    return new PlannedWebhook(classified, List.of(
        new PlannedDelivery(normalized, event.id(), event.type(), event.phoneNumberId(), LEASE, event.receivedAt(),
            event.json().getBytes(StandardCharsets.UTF_8)),
        PlannedDelivery.raw(raw, received.inboundId(), event.phoneNumberId(), LEASE, event.receivedAt(),
            received.body())));
  }

  private static WebhookReceived inbound() {
    long id = TestPostgres.queryLong("""
        INSERT INTO inbound_webhooks (source, received_at, status, body)
        VALUES ('meta', now(), 'received', convert_to('{}', 'UTF8')) RETURNING id""");
    return new WebhookReceived(id, "meta", Instant.now(), BODY);
  }

  private static long subscription(String name, String format) {
    return TestPostgres.queryLong("""
        INSERT INTO subscriptions (name, origin, url, events, format, secret, timeout_ms, schedule_ms, max_concurrency,
                                   enabled)
        VALUES ('%s', 'api', 'http://127.0.0.1:9/%s', '{*}', '%s', 'whsec_test', 1000, '{1000}', 1, true)
        RETURNING id""".formatted(name, name, format));
  }

  /** Polls until some session of this database waits on a lock. */
  private static Future<Void> untilOneWaitsOnALock(Vertx vertx, Pool pool) {
    return pool.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'postgres'")
        .execute().compose(rows -> rows.iterator().next().getLong(0) > 0
            ? Future.<Void>succeededFuture()
            : vertx.timer(20).compose(t -> untilOneWaitsOnALock(vertx, pool)));
  }

  /** As the pipeline's events writes are pooled; three connections: two transactions and the lock poll. */
  private static Pool pool(Vertx vertx) {
    return Pools.appending(vertx, PgConnectOptions.fromUri(TestPostgres.url()), 3, "events-test");
  }
}
