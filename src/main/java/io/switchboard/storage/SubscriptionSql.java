package io.switchboard.storage;

import io.switchboard.api.RotateSecret;
import io.switchboard.api.StoredSubscription;
import io.switchboard.config.SwitchboardConfig.Format;
import io.switchboard.config.SwitchboardConfig.Ordering;
import io.switchboard.config.SwitchboardConfig.StatusOrder;
import io.switchboard.config.SwitchboardConfig.Subscription;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Queries on {@code subscriptions}: config-file subscriptions are upserted by name at start-up. */
final class SubscriptionSql {

  /** A name already taken by an API subscription stays the API's: the file never silently takes it over. */
  static final String UPSERT_CONFIG_SUBSCRIPTION = """
      INSERT INTO subscriptions (name, origin, url, events, source, phone_number_id, format, secret, headers,
                                 timeout_ms, schedule_ms, max_concurrency, rate_per_minute, enabled, expire_after_ms,
                                 contact_key, ordering, status_order, ordering_hold_ms)
      VALUES ($1, 'config', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
      ON CONFLICT (name) DO UPDATE SET
        url = excluded.url, events = excluded.events, source = excluded.source,
        phone_number_id = excluded.phone_number_id, format = excluded.format, secret = excluded.secret,
        headers = excluded.headers, timeout_ms = excluded.timeout_ms, schedule_ms = excluded.schedule_ms,
        max_concurrency = excluded.max_concurrency, rate_per_minute = excluded.rate_per_minute,
        expire_after_ms = excluded.expire_after_ms, contact_key = excluded.contact_key,
        ordering = excluded.ordering, status_order = excluded.status_order,
        ordering_hold_ms = excluded.ordering_hold_ms,
        enabled = excluded.enabled AND (subscriptions.disabled_at IS NULL OR subscriptions.url <> excluded.url),
        disabled_at = CASE WHEN subscriptions.url = excluded.url THEN subscriptions.disabled_at END,
        disabled_reason = CASE WHEN subscriptions.url = excluded.url THEN subscriptions.disabled_reason END,
        updated_at = now()
      WHERE subscriptions.origin = 'config'""";

  /** A subscription removed from the file is disabled, not deleted: its delivery log stays readable. */
  static final String DISABLE_REMOVED_CONFIG_SUBSCRIPTIONS = """
      UPDATE subscriptions SET enabled = false, updated_at = now()
      WHERE origin = 'config' AND enabled AND NOT (name = ANY($1))""";

  static final String DISABLE_SUBSCRIPTION = """
      UPDATE subscriptions
      SET enabled = false, disabled_at = now(), disabled_reason = 'endpoint failing longer than delivery.disableAfter',
          updated_at = now()
      WHERE id = $1""";

  static final String ALL_SUBSCRIPTIONS = """
      SELECT id, name, origin, url, events, source, phone_number_id, format, secret, headers, timeout_ms,
             schedule_ms, max_concurrency, rate_per_minute, enabled, expire_after_ms, contact_key,
             ordering, status_order, ordering_hold_ms, previous_secret, previous_secret_until
      FROM subscriptions ORDER BY id""";

  static final String INSERT_API_SUBSCRIPTION = """
      INSERT INTO subscriptions (name, origin, url, events, source, phone_number_id, format, secret, headers,
                                 timeout_ms, schedule_ms, max_concurrency, rate_per_minute, enabled, expire_after_ms,
                                 contact_key, ordering, status_order, ordering_hold_ms)
      VALUES ($1, 'api', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
      RETURNING id""";

  static final String UPDATE_API_SUBSCRIPTION = """
      UPDATE subscriptions SET
        name = $1, url = $2, events = $3, source = $4, phone_number_id = $5, format = $6, secret = $7,
        headers = $8, timeout_ms = $9, schedule_ms = $10, max_concurrency = $11, rate_per_minute = $12,
        enabled = $13, expire_after_ms = $14, contact_key = $15, ordering = $16, status_order = $17,
        ordering_hold_ms = $18, updated_at = now()
      WHERE id = $19""";

  /** With its deliveries and their attempts, in one statement (there are no foreign keys to cascade: V9). */
  static final String DELETE_SUBSCRIPTION = """
      WITH doomed AS (SELECT id FROM deliveries WHERE subscription_id = $1),
      attempts AS (DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM doomed)),
      deliveries AS (DELETE FROM deliveries WHERE id IN (SELECT id FROM doomed))
      DELETE FROM subscriptions WHERE id = $1""";

  /**
   * A subscription no longer ordered lets its waiting deliveries go: each leaves its sequence and is due now
   * (docs/ordering.md). Without this they would wait at 'infinity' for a head that is never leased.
   */
  static final String RELEASE_UNORDERED = """
      UPDATE deliveries d SET next_attempt_at = CASE WHEN d.next_attempt_at = 'infinity' THEN now() ELSE d.next_attempt_at END,
        sequence_key = NULL
      FROM subscriptions s
      WHERE s.id = d.subscription_id AND s.ordering = 'none' AND s.status_order = 'any'
        AND d.status = 'pending' AND d.sequence_key IS NOT NULL""";

  /** The secret being replaced keeps signing until the window ends; a rotation during a window ends the older one. */
  static final String ROTATE_SECRET = """
      UPDATE subscriptions SET previous_secret = secret, previous_secret_until = now() + $3 * interval '1 millisecond',
        secret = $2, updated_at = now()
      WHERE id = $1""";

  static final String COUNT_DELIVERIES = "SELECT count(*) FROM deliveries WHERE subscription_id = $1";

  /** Locks the row so a concurrent change cannot slip between the ownership check and the write. */
  static final String LOCK_SUBSCRIPTION = """
      SELECT id, name, origin, url, events, source, phone_number_id, format, secret, headers, timeout_ms,
             schedule_ms, max_concurrency, rate_per_minute, enabled, expire_after_ms, contact_key,
             ordering, status_order, ordering_hold_ms, previous_secret, previous_secret_until
      FROM subscriptions WHERE id = $1 FOR UPDATE""";

  static final String SUBSCRIPTION_BY_ID = """
      SELECT id, name, origin, url, events, source, phone_number_id, format, secret, headers, timeout_ms,
             schedule_ms, max_concurrency, rate_per_minute, enabled, expire_after_ms, contact_key,
             ordering, status_order, ordering_hold_ms, previous_secret, previous_secret_until
      FROM subscriptions WHERE id = $1""";

  private static final String UNIQUE_VIOLATION = "23505";

  private SubscriptionSql() {}

  static Future<StoredSubscription> subscriptionById(SqlClient client, long id) {
    return client.preparedQuery(SUBSCRIPTION_BY_ID).execute(Tuple.of(id)).compose(rows -> rows.size() == 0
        ? Replies.notFound("no subscription with id " + id)
        : Future.succeededFuture(subscription(rows.iterator().next())));
  }

  static Future<StoredSubscription> insertApiSubscription(SqlClient client, Subscription spec) {
    return client.preparedQuery(INSERT_API_SUBSCRIPTION).execute(row(spec))
        .map(rows -> new StoredSubscription(rows.iterator().next().getLong("id"), "api", spec))
        .recover(e -> nameTaken(e, spec.name()));
  }

  static Future<StoredSubscription> updateApiSubscription(SqlConnection connection, long id, Subscription spec) {
    return ownedByApi(connection, id, "modified")
        .compose(v -> connection.preparedQuery(UPDATE_API_SUBSCRIPTION).execute(row(spec).addLong(id)))
        .compose(v -> connection.query(RELEASE_UNORDERED).execute())
        .map(rows -> new StoredSubscription(id, "api", spec))
        .recover(e -> nameTaken(e, spec.name()));
  }

  /** Its deliveries and their attempts go with it: so only with {@code purge} when it has any. */
  static Future<Void> deleteApiSubscription(SqlConnection connection, long id, boolean purge) {
    return ownedByApi(connection, id, "deleted")
        .compose(v -> purge ? Future.succeededFuture(0L)
            : connection.preparedQuery(COUNT_DELIVERIES).execute(Tuple.of(id)).map(r -> r.iterator().next().getLong(0)))
        .compose(logged -> logged > 0
            ? Replies.<Void>conflict("subscription " + id + " has " + logged + " deliveries in its log, which deleting it"
                + " deletes too: DELETE with ?purge=true to delete them, or set enabled: false to keep them")
            : connection.preparedQuery(DELETE_SUBSCRIPTION).execute(Tuple.of(id)).<Void>mapEmpty());
  }

  static Future<StoredSubscription> rotateSecret(SqlConnection connection, RotateSecret rotation) {
    return ownedByApi(connection, rotation.id(), "rotated")
        .compose(v -> connection.preparedQuery(ROTATE_SECRET).execute(Tuple.of(rotation.id(), rotation.newSecret(),
            rotation.expireOldAfter().toMillis())))
        .compose(v -> subscriptionById(connection, rotation.id()));
  }

  /** The config file owns its subscriptions: an API change would be undone at the next start. */
  private static Future<Void> ownedByApi(SqlConnection connection, long id, String verb) {
    return connection.preparedQuery(LOCK_SUBSCRIPTION).execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        return Replies.notFound("no subscription with id " + id);
      }
      Row row = rows.iterator().next();
      return "config".equals(row.getString("origin"))
          ? Replies.conflict("subscription '" + row.getString("name") + "' comes from the config file and cannot be "
              + verb + " through the API; edit the file instead")
          : Future.succeededFuture();
    });
  }

  private static <T> Future<T> nameTaken(Throwable e, String name) {
    return e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
        ? Replies.conflict("a subscription named '" + name + "' already exists")
        : Future.failedFuture(e);
  }

  static Future<Void> syncConfigSubscriptions(SqlConnection connection, List<Subscription> subscriptions) {
    List<Tuple> rows = subscriptions.stream().map(SubscriptionSql::row).toList();
    String[] names = subscriptions.stream().map(Subscription::name).toArray(String[]::new);
    Future<?> upserted = rows.isEmpty()
        ? Future.succeededFuture()
        : connection.preparedQuery(UPSERT_CONFIG_SUBSCRIPTION).executeBatch(rows);
    return upserted
        .compose(v -> connection.preparedQuery(DISABLE_REMOVED_CONFIG_SUBSCRIPTIONS).execute(Tuple.of(names)))
        .compose(v -> connection.query(RELEASE_UNORDERED).execute())
        .mapEmpty();
  }

  static Future<Void> disableSubscription(SqlClient client, long id) {
    return client.preparedQuery(DISABLE_SUBSCRIPTION).execute(Tuple.of(id)).mapEmpty();
  }

  static Future<List<StoredSubscription>> allSubscriptions(SqlClient client) {
    return client.query(ALL_SUBSCRIPTIONS).execute().map(rows -> {
      List<StoredSubscription> result = new ArrayList<>();
      rows.forEach(row -> result.add(subscription(row)));
      return result;
    });
  }

  private static Tuple row(Subscription s) {
    Long[] schedule = s.schedule().stream().map(Duration::toMillis).toArray(Long[]::new);
    return Tuple.tuple()
        .addString(s.name()).addString(s.url()).addArrayOfString(s.events().toArray(String[]::new))
        .addString(s.source()).addString(s.phoneNumberId()).addString(s.format().name().toLowerCase(Locale.ROOT))
        .addString(s.secret()).addValue(new JsonObject(new LinkedHashMap<>(s.headers())))
        .addLong(s.timeout().toMillis()).addArrayOfLong(schedule).addInteger(s.maxConcurrency())
        .addInteger(s.ratePerMinute()).addBoolean(s.enabled())
        .addLong(s.expireAfter() == null ? null : s.expireAfter().toMillis()).addString(s.contactKey())
        .addString(s.ordering().name().toLowerCase(Locale.ROOT)).addString(s.statusOrder().name().toLowerCase(Locale.ROOT))
        .addLong(s.orderingHoldLimit().toMillis());
  }

  private static StoredSubscription subscription(Row row) {
    Map<String, String> headers = new LinkedHashMap<>();
    JsonObject stored = (JsonObject) row.getValue("headers");
    if (stored != null) {
      stored.forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
    }
    List<Duration> schedule = Arrays.stream(row.getArrayOfLongs("schedule_ms")).map(Duration::ofMillis).toList();
    Subscription spec = new Subscription(row.getString("name"), row.getString("url"),
        Arrays.asList(row.getArrayOfStrings("events")), row.getString("source"), row.getString("phone_number_id"),
        row.getString("secret"), Format.valueOf(row.getString("format").toUpperCase(Locale.ROOT)), headers,
        Duration.ofMillis(row.getLong("timeout_ms")), schedule, row.getInteger("max_concurrency"),
        row.getInteger("rate_per_minute"), row.getBoolean("enabled"),
        row.getLong("expire_after_ms") == null ? null : Duration.ofMillis(row.getLong("expire_after_ms")),
        row.getString("contact_key"), Ordering.valueOf(row.getString("ordering").toUpperCase(Locale.ROOT)),
        StatusOrder.valueOf(row.getString("status_order").toUpperCase(Locale.ROOT)),
        Duration.ofMillis(row.getLong("ordering_hold_ms")));
    OffsetDateTime until = row.getOffsetDateTime("previous_secret_until");
    return new StoredSubscription(row.getLong("id"), row.getString("origin"), spec, row.getString("previous_secret"),
        until == null ? null : until.toInstant());
  }
}
