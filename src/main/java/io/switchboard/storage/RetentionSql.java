package io.switchboard.storage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Purges rows older than {@code storage.retentionDays}, deliveries first (their attempts cascade), then
 * events, raw bodies and status marks, each in slices of {@link LogSql#DELETE_BATCH} so ingress never waits on a long lock.
 */
final class RetentionSql {

  static final String PURGE_DELIVERIES = """
      DELETE FROM deliveries WHERE id IN (
        SELECT id FROM deliveries WHERE created_at < now() - $1 * interval '1 day' AND status <> 'pending' LIMIT $2)""";

  static final String PURGE_EVENTS = """
      DELETE FROM events WHERE id IN (
        SELECT id FROM events WHERE received_at < now() - $1 * interval '1 day' LIMIT $2)""";

  /** Classified (with their outcomes) or invalid bodies only: one still waiting for the parser stays. */
  static final String PURGE_WEBHOOKS = """
      WITH expired AS (
        SELECT i.id FROM inbound_webhooks i
        WHERE i.received_at < now() - $1 * interval '1 day'
          AND (i.status = 'invalid' OR EXISTS (SELECT 1 FROM inbound_outcomes o WHERE o.inbound_id = i.id))
        LIMIT $2),
      outcomes AS (DELETE FROM inbound_outcomes WHERE inbound_id IN (SELECT id FROM expired))
      DELETE FROM inbound_webhooks WHERE id IN (SELECT id FROM expired)""";

  /** A message's status marks go with its statuses' retention: a status arriving later than that ranks afresh. */
  static final String PURGE_STATUS_MARKS = """
      DELETE FROM status_marks WHERE (subscription_id, status_of) IN (
        SELECT subscription_id, status_of FROM status_marks WHERE updated_at < now() - $1 * interval '1 day' LIMIT $2)""";

  private RetentionSql() {}

  static Future<JsonObject> purgeExpired(SqlClient client, int retentionDays) {
    Tuple params = Tuple.of(retentionDays, LogSql.DELETE_BATCH);
    JsonObject deleted = new JsonObject();
    return LogSql.deleteInBatches(client, PURGE_DELIVERIES, params, 0)
        .compose(n -> {
          deleted.put("deliveries", n);
          return LogSql.deleteInBatches(client, PURGE_EVENTS, params, 0);
        })
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
