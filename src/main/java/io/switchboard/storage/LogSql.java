package io.switchboard.storage;

import io.switchboard.api.DeleteDeliveries;
import io.switchboard.api.FindDeliveries;
import io.switchboard.api.ReplayDeliveries;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The delivery log as operators read and steer it: pages of deliveries, one delivery with its attempts,
 * retry and replay (make due now), and deletion. Read models are built as JSON by Postgres itself.
 */
final class LogSql {

  /** Deleting in slices keeps each statement short, so row locks never stall the claims on the hot path. */
  static final int DELETE_BATCH = 5000;

  private static final String DELIVERY_ITEM = """
      json_build_object('id', d.id, 'subscription', s.name, 'event_id', d.message_id, 'event_type', d.event_type,
        'phone_number_id', d.phone_number_id, 'status', d.status, 'attempts', d.attempts,
        'next_attempt_at', CASE WHEN d.status = 'pending' THEN d.next_attempt_at END,
        'last_status_code', d.last_status_code, 'last_error', d.last_error,
        'created_at', d.created_at, 'completed_at', d.completed_at)""";

  /** Keyset pagination on id (bigserial, so creation order): a page costs the same however deep it is. */
  static final String FIND_DELIVERIES = """
      SELECT %s AS item
      FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
      WHERE ($1::text IS NULL OR d.phone_number_id = $1)
        AND ($2::text IS NULL OR d.status = $2)
        AND ($3::text IS NULL OR d.event_type LIKE $3)
        AND ($4::text IS NULL OR s.name = $4)
        AND ($5::bigint IS NULL OR d.id < $5)
      ORDER BY d.id DESC
      LIMIT $6""".formatted(DELIVERY_ITEM);

  static final String GET_DELIVERY = """
      SELECT %s::jsonb || jsonb_build_object(
        'inbound_id', d.inbound_id,
        'history', (SELECT coalesce(json_agg(json_build_object('attempt', a.attempt, 'started_at', a.started_at,
                      'latency_ms', a.latency_ms, 'status_code', a.status_code, 'response_body', a.response_body,
                      'error', a.error, 'outcome', a.outcome) ORDER BY a.attempt), '[]')
                    FROM delivery_attempts a WHERE a.delivery_id = d.id),
        'payload', e.payload::jsonb) AS item
      FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
      LEFT JOIN events e ON d.event_type <> 'raw' AND e.id = d.message_id
      WHERE d.id = $1""".formatted(DELIVERY_ITEM);

  /**
   * Due now, whatever its state; {@code attempts} keeps counting, so the history stays unambiguous. A
   * delivery past its schedule gets exactly one more try (and is failed again if that try fails). An ordered one
   * leaves its sequence: it is sent at once, outside the order, and holds no contact back (docs/ordering.md).
   */
  static final String RETRY_DELIVERY = """
      WITH target AS (
        SELECT d.id, d.status, s.name, s.enabled FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
        WHERE d.id = $1
      ), retried AS (
        UPDATE deliveries d SET status = 'pending', next_attempt_at = now(), completed_at = NULL, sequence_key = NULL
        FROM target t WHERE d.id = t.id AND t.enabled AND t.status <> 'pending'
        RETURNING d.id
      )
      SELECT t.name, t.enabled, t.status FROM target t""";

  /** Which deliveries a replay takes: one clause, so the count shown before confirming is the count replayed. */
  private static final String REPLAYABLE = """
      s.id = d.subscription_id AND s.enabled
        AND d.status = $1 AND d.status <> 'pending'
        AND %s
        AND %s
        AND ($4::text IS NULL OR s.name = $4)""".formatted(
      TimeRanges.since("d.id", "d.created_at", TimeRanges.DELIVERIES, "$2"),
      TimeRanges.before("d.id", "d.created_at", TimeRanges.DELIVERIES, "$3"));

  static final String REPLAY_DELIVERIES = """
      UPDATE deliveries d SET status = 'pending', next_attempt_at = now(), completed_at = NULL, sequence_key = NULL
      FROM subscriptions s
      WHERE %s""".formatted(REPLAYABLE);

  static final String COUNT_REPLAY = """
      SELECT count(*) FROM deliveries d, subscriptions s
      WHERE %s""".formatted(REPLAYABLE);

  /**
   * Deletes the deliveries a query names, with their attempts: one statement, so no attempt outlives its delivery
   * (there is no foreign key to cascade: V9). The row count is the deliveries'.
   */
  static String deleteWithAttempts(String deliveryIds) {
    return """
        WITH doomed AS (%s),
        attempts AS (DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM doomed))
        DELETE FROM deliveries WHERE id IN (SELECT id FROM doomed)""".formatted(deliveryIds);
  }

  static final String DELETE_DELIVERIES = deleteWithAttempts("""
      SELECT id FROM deliveries
      WHERE ($1::text IS NULL OR phone_number_id = $1)
        AND %s
        AND status <> 'pending'
      LIMIT $3""".formatted(
      TimeRanges.before("id", "created_at", TimeRanges.DELIVERIES, "now() - $2 * interval '1 day'")));

  private LogSql() {}

  static Future<JsonObject> findDeliveries(SqlClient client, FindDeliveries query) {
    Tuple params = Tuple.of(query.phoneNumberId(), query.status(), likePattern(query.eventType()),
        query.subscription(), query.beforeId(), query.limit() + 1);
    return client.preparedQuery(FIND_DELIVERIES).execute(params).map(rows -> page(rows, query.limit()));
  }

  /** Rows of {@code item} JSON, asked for {@code limit + 1}: the extra row says whether another page exists without a count(*). */
  static JsonObject page(RowSet<Row> rows, int limit) {
    JsonArray items = new JsonArray();
    for (Row row : rows) {
      items.add(row.getJsonObject("item"));
    }
    String next = null;
    if (items.size() > limit) {
      items.remove(items.size() - 1);
      next = String.valueOf(items.getJsonObject(items.size() - 1).getLong("id"));
    }
    return new JsonObject().put("data", items).put("next_cursor", next);
  }

  static Future<JsonObject> getDelivery(SqlClient client, long id) {
    return client.preparedQuery(GET_DELIVERY).execute(Tuple.of(id)).compose(rows -> rows.size() == 0
        ? Replies.notFound("no delivery with id " + id)
        : Future.succeededFuture(rows.iterator().next().getJsonObject("item")));
  }

  static Future<JsonObject> retryDelivery(SqlClient client, long id) {
    return client.preparedQuery(RETRY_DELIVERY).execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        return Replies.notFound("no delivery with id " + id);
      }
      Row row = rows.iterator().next();
      if ("pending".equals(row.getString("status"))) {
        return Replies.conflict("delivery " + id + " is pending: it is already scheduled (and may be in flight)");
      }
      if (!row.getBoolean("enabled")) {
        return Replies.conflict("delivery " + id + " belongs to subscription '" + row.getString("name")
            + "', which is disabled; enable it first");
      }
      return Future.succeededFuture(new JsonObject().put("id", id).put("status", "pending"));
    });
  }

  static Future<Integer> replayDeliveries(SqlClient client, ReplayDeliveries replay) {
    return client.preparedQuery(REPLAY_DELIVERIES).execute(replayParams(replay)).map(rows -> rows.rowCount());
  }

  static Future<Integer> countReplay(SqlClient client, ReplayDeliveries replay) {
    return client.preparedQuery(COUNT_REPLAY).execute(replayParams(replay))
        .map(rows -> (int) (long) rows.iterator().next().getLong(0));
  }

  private static Tuple replayParams(ReplayDeliveries replay) {
    return Tuple.of(replay.status(),
        Utc.of(replay.since()),
        Utc.of(replay.until()), replay.subscription());
  }

  static Future<Integer> deleteDeliveries(SqlClient client, DeleteDeliveries request) {
    Tuple params = Tuple.of(request.phoneNumberId(), request.olderThanDays(), DELETE_BATCH);
    return deleteInBatches(client, DELETE_DELIVERIES, params, 0);
  }

  /** Runs a {@code DELETE … LIMIT batch} until a slice comes back short; returns the total deleted. */
  static Future<Integer> deleteInBatches(SqlClient client, String sql, Tuple params, int deletedSoFar) {
    return client.preparedQuery(sql).execute(params).compose(rows -> rows.rowCount() < DELETE_BATCH
        ? Future.succeededFuture(deletedSoFar + rows.rowCount())
        : deleteInBatches(client, sql, params, deletedSoFar + rows.rowCount()));
  }

  /** {@code message.*} → {@code message.%}, with LIKE's own wildcards escaped so they match literally. */
  static String likePattern(String glob) {
    if (glob == null) {
      return null;
    }
    return glob.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('*', '%').replace('?', '_');
  }
}
