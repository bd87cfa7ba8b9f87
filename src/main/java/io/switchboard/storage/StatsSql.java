package io.switchboard.storage;

import io.switchboard.api.SummarizeDeliveries;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** The numbers on an operator's dashboard: delivery outcomes, busiest event types, attempt latency. */
final class StatsSql {

  /**
   * successRate counts finished deliveries only (succeeded ÷ (succeeded + failed)): pending ones have not
   * been decided yet, and counting them would make a backlog look like failures.
   */
  static final String SUMMARIZE_DELIVERIES = """
      WITH d AS (
        SELECT id, status, event_type FROM deliveries
        WHERE %s AND ($1::text IS NULL OR phone_number_id = $1)
      ), counts AS (
        SELECT count(*) AS total,
               count(*) FILTER (WHERE status = 'succeeded') AS success,
               count(*) FILTER (WHERE status = 'failed') AS failed,
               count(*) FILTER (WHERE status = 'expired') AS expired,
               count(*) FILTER (WHERE status = 'superseded') AS superseded,
               count(*) FILTER (WHERE status = 'pending') AS pending
        FROM d
      ), latency AS (
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a.latency_ms) AS p50,
               percentile_cont(0.99) WITHIN GROUP (ORDER BY a.latency_ms) AS p99
        FROM delivery_attempts a JOIN d ON d.id = a.delivery_id
      )
      SELECT json_build_object(
        'days', $2::int, 'instanceId', $1::text,
        'total', c.total, 'success', c.success, 'failed', c.failed, 'expired', c.expired, 'superseded', c.superseded,
        'pending', c.pending,
        'successRate', CASE WHEN c.success + c.failed = 0 THEN NULL
                            ELSE round(c.success::numeric / (c.success + c.failed), 4) END,
        'topEvents', (SELECT coalesce(json_agg(json_build_object('type', t.event_type, 'count', t.n)
                                               ORDER BY t.n DESC, t.event_type), '[]')
                      FROM (SELECT event_type, count(*) AS n FROM d GROUP BY event_type
                            ORDER BY n DESC, event_type LIMIT 10) t),
        'p50LatencyMs', round(l.p50::numeric, 1), 'p99LatencyMs', round(l.p99::numeric, 1)) AS stats
      FROM counts c, latency l""".formatted(
      TimeRanges.since("id", "created_at", TimeRanges.DELIVERIES, "now() - $2 * interval '1 day'"));

  private StatsSql() {}

  static Future<JsonObject> summarize(SqlClient client, SummarizeDeliveries request) {
    return client.preparedQuery(SUMMARIZE_DELIVERIES).execute(Tuple.of(request.phoneNumberId(), request.days()))
        .map(rows -> rows.iterator().next().getJsonObject("stats"));
  }
}
