package io.switchboard.storage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Purges rows older than {@code storage.retentionDays}, deliveries first (with their attempts), then
 * events, raw bodies and status marks, each in slices of {@link LogSql#DELETE_BATCH} so ingress never waits on a long lock.
 */
final class RetentionSql {

  /** What is older than storage.retentionDays ($1). */
  private static final String EXPIRED = "now() - $1 * interval '1 day'";

  static final String PURGE_DELIVERIES = LogSql.deleteWithAttempts(
      "SELECT id FROM deliveries WHERE %s AND status <> 'pending' LIMIT $2".formatted(
          TimeRanges.before("id", "created_at", TimeRanges.DELIVERIES, EXPIRED)));

  /**
   * Deliveries of a subscription that no longer exists: only a delete racing an insert leaves any (V9). The
   * subscription ids in the log are found by skipping along the (subscription_id, inbound_id) index, one probe
   * each, and an orphan's rows are read through the same index, so this costs next to nothing when there are none.
   */
  static final String PURGE_ORPHAN_DELIVERIES = LogSql.deleteWithAttempts("""
      WITH RECURSIVE logged(id) AS (
        (SELECT subscription_id FROM deliveries ORDER BY subscription_id LIMIT 1)
        UNION ALL
        SELECT (SELECT d.subscription_id FROM deliveries d WHERE d.subscription_id > l.id
                ORDER BY d.subscription_id LIMIT 1)
        FROM logged l WHERE l.id IS NOT NULL
      )
      SELECT d.id
      FROM (SELECT l.id FROM logged l WHERE l.id IS NOT NULL AND l.id NOT IN (SELECT s.id FROM subscriptions s)) AS o
      CROSS JOIN LATERAL (SELECT id FROM deliveries WHERE subscription_id = o.id LIMIT $1) AS d
      LIMIT $1""");

  /**
   * Attempts below the oldest delivery left, whose delivery is therefore gone: only an attempt logged while its
   * delivery was being deleted leaves any (V9), and every read of attempts goes through their delivery, so such a
   * row is never seen; it is purged here once retention has passed its id. A range of the attempts' key, so it
   * reads nothing when there are none.
   */
  static final String PURGE_ORPHAN_ATTEMPTS = """
      DELETE FROM delivery_attempts WHERE (delivery_id, attempt) IN (
        SELECT a.delivery_id, a.attempt FROM delivery_attempts a
        WHERE a.delivery_id < coalesce((SELECT min(id) FROM deliveries), 9223372036854775807)
        LIMIT $1)""";

  static final String PURGE_EVENTS = """
      DELETE FROM events WHERE id IN (
        SELECT id FROM events WHERE %s LIMIT $2)""".formatted(
      TimeRanges.before("inbound_id", "received_at", TimeRanges.BODIES, EXPIRED));

  /** Classified (with their outcomes) or invalid bodies only: one still waiting for the parser stays. */
  static final String PURGE_WEBHOOKS = """
      WITH expired AS (
        SELECT i.id FROM inbound_webhooks i
        WHERE %s
          AND (i.status = 'invalid' OR EXISTS (SELECT 1 FROM inbound_outcomes o WHERE o.inbound_id = i.id))
        LIMIT $2),
      outcomes AS (DELETE FROM inbound_outcomes WHERE inbound_id IN (SELECT id FROM expired))
      DELETE FROM inbound_webhooks WHERE id IN (SELECT id FROM expired)""".formatted(
      TimeRanges.before("i.id", "i.received_at", TimeRanges.BODIES, EXPIRED));

  /** A message's status marks go with its statuses' retention: a status arriving later than that ranks afresh. */
  static final String PURGE_STATUS_MARKS = """
      DELETE FROM status_marks WHERE (subscription_id, status_of) IN (
        SELECT subscription_id, status_of FROM status_marks WHERE updated_at < now() - $1 * interval '1 day' LIMIT $2)""";

  private RetentionSql() {}

  static Future<JsonObject> purgeExpired(SqlClient client, int retentionDays) {
    Tuple params = Tuple.of(retentionDays, LogSql.DELETE_BATCH);
    Tuple batch = Tuple.of(LogSql.DELETE_BATCH);
    JsonObject deleted = new JsonObject();
    return LogSql.deleteInBatches(client, PURGE_DELIVERIES, params, 0)
        .compose(n -> LogSql.deleteInBatches(client, PURGE_ORPHAN_DELIVERIES, batch, n))
        .compose(n -> {
          deleted.put("deliveries", n);
          return LogSql.deleteInBatches(client, PURGE_ORPHAN_ATTEMPTS, batch, 0);
        })
        .compose(orphanAttempts -> LogSql.deleteInBatches(client, PURGE_EVENTS, params, 0))
        .compose(n -> {
          deleted.put("events", n);
          return LogSql.deleteInBatches(client, PURGE_WEBHOOKS, params, 0);
        })
        .compose(n -> {
          deleted.put("inbound_webhooks", n);
          return LogSql.deleteInBatches(client, PURGE_STATUS_MARKS, params, 0);
        })
        .map(n -> deleted.put("status_marks", n));
  }
}
