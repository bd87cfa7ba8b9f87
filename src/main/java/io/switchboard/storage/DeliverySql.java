package io.switchboard.storage;

import io.switchboard.api.AttemptRecord;
import io.switchboard.api.ClaimDeliveries;
import io.switchboard.api.DeliveryJob;
import io.switchboard.api.ReleaseDeliveries;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
        RETURNING d.id, d.message_id, d.event_type, d.inbound_id, d.attempts, d.sequence_key
      )
      SELECT c.id, c.message_id, c.inbound_id, c.attempts, coalesce(e.received_at, i.received_at) AS received_at,
             CASE WHEN c.event_type = 'raw' THEN i.body ELSE convert_to(e.payload::text, 'UTF8') END AS body,
             c.sequence_key IS NOT NULL AS sequenced,
             CASE WHEN c.sequence_key IS NOT NULL THEN (SELECT min(a.started_at) FROM delivery_attempts a
               WHERE a.delivery_id = c.id) END AS first_tried_at
      FROM claimed c
      LEFT JOIN events e ON c.event_type <> 'raw' AND e.id = c.message_id
      LEFT JOIN inbound_webhooks i ON c.event_type = 'raw' AND i.id = c.inbound_id
      ORDER BY c.id""";

  /**
   * A whole batch of attempts in one statement: each is logged and moves its delivery on (succeeded, failed, or
   * pending again at its retry time). Multi-row statements cost Postgres far less than a row per execution.
   * A record that comes late (its lease ended and another attempt was claimed, or it finished) logs its attempt
   * but moves nothing: only a success may still close a delivery another attempt has since leased. An attempt
   * whose delivery was deleted meanwhile is not logged (there is no foreign key: V9), nor one whose id a lost
   * relaxed commit has since handed to another delivery (the message id pins it, as for the update).
   * Returns the sequences whose head this ended (docs/ordering.md): each needs its next head leased.
   */
  static final String RECORD_ATTEMPTS = """
      WITH attempts AS (
        INSERT INTO delivery_attempts (delivery_id, attempt, started_at, latency_ms, status_code, response_body, error,
                                       outcome)
        SELECT delivery_id, attempt, started_at, latency_ms, status_code, response_body, error, outcome
        FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::bigint[], $5::int[], $6::text[], $7::text[],
                    $8::text[], $11::text[]) AS a(delivery_id, attempt, started_at, latency_ms, status_code,
                                                  response_body, error, outcome, message_id)
        WHERE outcome <> 'expired'
          AND EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a.delivery_id AND d.message_id = a.message_id)
        ON CONFLICT (delivery_id, attempt) DO NOTHING
      ), moved AS (
        UPDATE deliveries d
        SET status = u.status,
            next_attempt_at = coalesce(u.next_attempt_at, d.next_attempt_at),
            last_status_code = u.status_code,
            last_error = u.error,
            completed_at = CASE WHEN u.status = 'pending' THEN NULL ELSE now() END
        FROM unnest($1::bigint[], $2::int[], $9::text[], $10::timestamptz[], $5::int[], $7::text[], $11::text[])
          AS u(id, attempt, status, next_attempt_at, status_code, error, message_id)
        WHERE d.id = u.id AND d.message_id = u.message_id AND d.status = 'pending'
          AND (d.attempts = u.attempt OR u.status = 'succeeded')
        RETURNING d.subscription_id, d.sequence_key, d.status
      )
      SELECT DISTINCT subscription_id, sequence_key FROM moved WHERE sequence_key IS NOT NULL AND status <> 'pending'""";

  /** Only rows still on the attempt that was leased: a late release must not undo another instance's claim. */
  static final String RELEASE_DELIVERIES = """
      UPDATE deliveries d SET next_attempt_at = $3, attempts = greatest(d.attempts - 1, 0)
      FROM unnest($1::bigint[], $2::int[]) AS r(id, attempt)
      WHERE d.id = r.id AND d.attempts = r.attempt AND d.status = 'pending'""";

  static final String COUNT_PENDING = "SELECT count(*) FROM deliveries WHERE status = 'pending'";

  private DeliverySql() {}

  static Future<Void> releaseDeliveries(SqlClient client, ReleaseDeliveries release) {
    return client.preparedQuery(RELEASE_DELIVERIES)
        .execute(Tuple.tuple().addArrayOfLong(release.deliveryIds().toArray(Long[]::new))
            .addArrayOfInteger(release.attempts().toArray(Integer[]::new)).addOffsetDateTime(Utc.of(release.dueAt())))
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
            row.getLong("inbound_id"), row.getInteger("attempts"), claim.lease().toMillis(),
            receivedAt(row), body == null ? null : body.getBytes(), row.getBoolean("sequenced"), firstTriedAt(row)));
      }
      return jobs;
    });
  }

  /** A row whose event is gone (retention) counts from now: it is not expired for lack of a date. */
  private static Instant receivedAt(Row row) {
    OffsetDateTime at = row.getOffsetDateTime("received_at");
    return at == null ? Instant.now() : at.toInstant();
  }

  private static Instant firstTriedAt(Row row) {
    OffsetDateTime at = row.getOffsetDateTime("first_tried_at");
    return at == null ? null : at.toInstant();
  }

  /** Logs the attempts and moves their deliveries on; returns the sequences whose head ended. */
  static Future<List<OrderingSql.Sequence>> recordAttempts(SqlClient client, List<AttemptRecord> attempts) {
    int size = attempts.size();
    Long[] ids = new Long[size];
    Integer[] numbers = new Integer[size];
    OffsetDateTime[] startedAt = new OffsetDateTime[size];
    Long[] latencies = new Long[size];
    Integer[] statusCodes = new Integer[size];
    String[] bodies = new String[size];
    String[] errors = new String[size];
    String[] outcomes = new String[size];
    String[] statuses = new String[size];
    OffsetDateTime[] nextAttemptAt = new OffsetDateTime[size];
    String[] messageIds = new String[size];
    for (int i = 0; i < size; i++) {
      AttemptRecord a = attempts.get(i);
      ids[i] = a.deliveryId();
      numbers[i] = a.attempt();
      startedAt[i] = Utc.of(a.startedAt());
      latencies[i] = a.latencyMillis();
      statusCodes[i] = a.statusCode();
      // A subscriber's answer may hold anything, U+0000 included, which Postgres text refuses.
      bodies[i] = EventSql.text(a.responseBody());
      errors[i] = EventSql.text(a.error());
      outcomes[i] = a.outcome().name().toLowerCase(Locale.ROOT);
      statuses[i] = switch (a.outcome()) {
        case SUCCEEDED -> "succeeded";
        case RETRY -> "pending";
        case FAILED -> "failed";
        case EXPIRED -> "expired";
      };
      nextAttemptAt[i] = Utc.of(a.nextAttemptAt());
      messageIds[i] = a.messageId();
    }
    Tuple columns = Tuple.tuple().addArrayOfLong(ids).addArrayOfInteger(numbers).addArrayOfOffsetDateTime(startedAt)
        .addArrayOfLong(latencies).addArrayOfInteger(statusCodes).addArrayOfString(bodies).addArrayOfString(errors)
        .addArrayOfString(outcomes).addArrayOfString(statuses).addArrayOfOffsetDateTime(nextAttemptAt)
        .addArrayOfString(messageIds);
    return client.preparedQuery(RECORD_ATTEMPTS).execute(columns).map(rows -> {
      if (rows.size() == 0) {
        return List.of();
      }
      Map<Long, Long> leases = new HashMap<>();
      attempts.forEach(a -> leases.put(a.subscriptionId(), a.leaseMillis()));
      List<OrderingSql.Sequence> ended = new ArrayList<>(rows.size());
      for (Row row : rows) {
        long subscription = row.getLong("subscription_id");
        ended.add(new OrderingSql.Sequence(subscription, row.getString("sequence_key"), leases.get(subscription)));
      }
      return ended;
    });
  }
}
