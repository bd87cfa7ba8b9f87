package io.switchboard.storage;

import io.switchboard.api.AttemptRecord;
import io.switchboard.api.ClaimDeliveries;
import io.switchboard.api.DeliveryJob;
import io.switchboard.api.ReleaseDeliveries;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Queries on {@code deliveries} and {@code delivery_attempts}: leasing due work and logging each try. */
final class DeliverySql {

  /**
   * SKIP LOCKED lets several instances claim from one table without waiting on or double-sending each
   * other's rows; pushing next_attempt_at past the lease is the lease itself, so no extra column or
   * janitor is needed: if this instance dies, the row is simply due again when the lease runs out.
   */
  static final String CLAIM_DUE_DELIVERIES = """
      WITH due AS (
        SELECT id FROM deliveries
        WHERE subscription_id = $1 AND status = 'pending' AND next_attempt_at <= now()
        ORDER BY next_attempt_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE deliveries d
        SET next_attempt_at = now() + $3 * interval '1 millisecond', attempts = d.attempts + 1
        FROM due WHERE d.id = due.id
        RETURNING d.id, d.message_id, d.event_type, d.inbound_id, d.attempts
      )
      SELECT c.id, c.message_id, c.inbound_id, c.attempts,
             CASE WHEN c.event_type = 'raw' THEN i.body ELSE convert_to(e.payload::text, 'UTF8') END AS body
      FROM claimed c
      LEFT JOIN events e ON c.event_type <> 'raw' AND e.id = c.message_id
      LEFT JOIN inbound_webhooks i ON c.event_type = 'raw' AND i.id = c.inbound_id
      ORDER BY c.id""";

  static final String INSERT_ATTEMPT = """
      INSERT INTO delivery_attempts (delivery_id, attempt, started_at, latency_ms, status_code, response_body, error, outcome)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";

  static final String UPDATE_DELIVERY = """
      UPDATE deliveries
      SET status = $2,
          next_attempt_at = coalesce($3, next_attempt_at),
          last_status_code = $4,
          last_error = $5,
          completed_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END
      WHERE id = $1""";

  static final String RELEASE_DELIVERIES = """
      UPDATE deliveries SET next_attempt_at = $2, attempts = greatest(attempts - 1, 0)
      WHERE id = ANY($1) AND status = 'pending'""";

  static final String COUNT_PENDING = "SELECT count(*) FROM deliveries WHERE status = 'pending'";

  private DeliverySql() {}

  static Future<Void> releaseDeliveries(SqlClient client, ReleaseDeliveries release) {
    return client.preparedQuery(RELEASE_DELIVERIES)
        .execute(Tuple.of(release.deliveryIds().toArray(Long[]::new), release.dueAt().atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  static Future<Long> countPending(SqlClient client) {
    return client.query(COUNT_PENDING).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  static Future<List<DeliveryJob>> claimDueDeliveries(SqlClient client, ClaimDeliveries claim) {
    Tuple params = Tuple.of(claim.subscriptionId(), claim.limit(), claim.lease().toMillis());
    return client.preparedQuery(CLAIM_DUE_DELIVERIES).execute(params).map(rows -> {
      List<DeliveryJob> jobs = new ArrayList<>(rows.size());
      for (Row row : rows) {
        Buffer body = row.getBuffer("body");
        jobs.add(new DeliveryJob(row.getLong("id"), claim.subscriptionId(), row.getString("message_id"),
            row.getLong("inbound_id"), row.getInteger("attempts"), body == null ? null : body.getBytes()));
      }
      return jobs;
    });
  }

  static Future<List<Void>> recordAttempts(SqlConnection connection, List<AttemptRecord> attempts) {
    List<Tuple> inserts = new ArrayList<>(attempts.size());
    List<Tuple> updates = new ArrayList<>(attempts.size());
    for (AttemptRecord a : attempts) {
      String outcome = a.outcome().name().toLowerCase(Locale.ROOT);
      inserts.add(Tuple.of(a.deliveryId(), a.attempt(), a.startedAt().atOffset(ZoneOffset.UTC), a.latencyMillis(),
          a.statusCode(), a.responseBody(), a.error(), outcome));
      String status = switch (a.outcome()) {
        case SUCCEEDED -> "succeeded";
        case RETRY -> "pending";
        case FAILED -> "failed";
      };
      updates.add(Tuple.of(a.deliveryId(), status,
          a.nextAttemptAt() == null ? null : a.nextAttemptAt().atOffset(ZoneOffset.UTC), a.statusCode(), a.error()));
    }
    return connection.preparedQuery(INSERT_ATTEMPT).executeBatch(inserts)
        .compose(v -> connection.preparedQuery(UPDATE_DELIVERY).executeBatch(updates))
        .map(v -> Collections.nCopies(attempts.size(), null));
  }
}
