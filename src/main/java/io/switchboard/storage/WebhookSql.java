package io.switchboard.storage;

import io.switchboard.api.StoreWebhook;
import io.switchboard.api.WebhookReceived;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Queries on {@code inbound_webhooks}: the raw requests, and the sweep that finds unclassified ones. */
final class WebhookSql {

  /** One statement for a whole group: one array per column, rows inserted in array order. */
  static final String INSERT_WEBHOOKS = """
      INSERT INTO inbound_webhooks (source, received_at, client_ip, status, error, body)
      SELECT source, received_at, client_ip, status, error, body
      FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::bytea[])
        WITH ORDINALITY AS w(source, received_at, client_ip, status, error, body, n)
      ORDER BY n
      RETURNING id""";

  /** Marks a whole group processed in one statement: arrays of id, status, error and event count. */
  static final String MARK_PROCESSED = """
      UPDATE inbound_webhooks AS w
      SET status = p.status, error = p.error, event_count = p.event_count, processed_at = now()
      FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[]) AS p(id, status, error, event_count)
      WHERE w.id = p.id AND w.id = ANY($1::bigint[])""";

  /**
   * Raises the recovery watermark to just below the oldest unclassified row, but never past the id sequence
   * as it stood at least the grace ago (database clock): an id handed out since may belong to an insert still
   * in flight, invisible until it commits. Each time that sample is old enough it is used and taken again.
   */
  static final String ADVANCE_WATERMARK = """
      UPDATE recovery_watermark AS r SET
        inbound_id = CASE WHEN r.sample_at < now() - $1 * interval '1 millisecond'
          THEN greatest(r.inbound_id, least(r.sample_id,
            (SELECT min(id) - 1 FROM inbound_webhooks
             WHERE id > r.inbound_id AND id <= r.sample_id AND status = 'received')))
          ELSE r.inbound_id END,
        sample_id = CASE WHEN r.sample_at < now() - $1 * interval '1 millisecond'
          THEN (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM inbound_webhooks_id_seq)
          ELSE r.sample_id END,
        sample_at = CASE WHEN r.sample_at < now() - $1 * interval '1 millisecond' THEN now() ELSE r.sample_at END
      RETURNING inbound_id, sample_id""";

  /**
   * Acknowledged bodies never classified: above the watermark and at most the sequence sample (so the scan
   * skips the newest rows, which are in flight anyway), still 'received', older than the grace.
   */
  static final String UNPROCESSED_WEBHOOKS = """
      SELECT id, source, received_at, body
      FROM inbound_webhooks
      WHERE id > $1 AND id <= $4 AND status = 'received' AND received_at < now() - $2 * interval '1 millisecond'
      ORDER BY id
      LIMIT $3""";

  /** The body goes out as bytes and is decoded in Java: convert_from would fail on a body that is not UTF-8. */
  static final String GET_WEBHOOK = """
      SELECT json_build_object('id', i.id, 'source', i.source, 'status', i.status, 'received_at', i.received_at,
        'processed_at', i.processed_at, 'error', i.error,
        'event_ids', (SELECT coalesce(json_agg(e.id ORDER BY e.id), '[]') FROM events e WHERE e.inbound_id = i.id)
      ) AS item, i.body
      FROM inbound_webhooks i WHERE i.id = $1""";

  private WebhookSql() {}

  static Future<JsonObject> getWebhook(SqlClient client, long id) {
    return client.preparedQuery(GET_WEBHOOK).execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        return Replies.notFound("no inbound webhook with id " + id);
      }
      Row row = rows.iterator().next();
      return Future.succeededFuture(row.getJsonObject("item")
          .put("body", new String(row.getBuffer("body").getBytes(), StandardCharsets.UTF_8)));
    });
  }

  /**
   * One multi-row INSERT per group: Postgres parses, plans and commits it once (one WAL flush), where a
   * pipelined batch of single-row INSERTs costs one execution per row. The ids come back in request order.
   */
  static Future<List<Long>> insertWebhooks(SqlClient client, List<StoreWebhook> webhooks) {
    int size = webhooks.size();
    String[] sources = new String[size];
    OffsetDateTime[] receivedAt = new OffsetDateTime[size];
    String[] clientIps = new String[size];
    String[] statuses = new String[size];
    String[] errors = new String[size];
    Buffer[] bodies = new Buffer[size];
    for (int i = 0; i < size; i++) {
      StoreWebhook w = webhooks.get(i);
      sources[i] = w.source();
      receivedAt[i] = w.receivedAt().atOffset(ZoneOffset.UTC);
      clientIps[i] = w.clientIp();
      statuses[i] = w.valid() ? "received" : "invalid";
      errors[i] = w.invalidReason();
      bodies[i] = Buffer.buffer(w.body());
    }
    return client.preparedQuery(INSERT_WEBHOOKS)
        .execute(Tuple.of(sources, receivedAt, clientIps, statuses, errors, bodies))
        .map(WebhookSql::ids);
  }

  /** Moves the watermark up, then reads the unclassified bodies above it, oldest first. */
  static Future<List<WebhookReceived>> unprocessedWebhooks(SqlClient client, Duration grace, int limit) {
    return client.preparedQuery(ADVANCE_WATERMARK).execute(Tuple.of(grace.toMillis()))
        .compose(watermark -> {
          Row bounds = watermark.iterator().next();
          return client.preparedQuery(UNPROCESSED_WEBHOOKS)
              .execute(Tuple.of(bounds.getLong("inbound_id"), grace.toMillis(), limit, bounds.getLong("sample_id")));
        })
        .map(rows -> {
          List<WebhookReceived> webhooks = new ArrayList<>();
          for (Row row : rows) {
            webhooks.add(new WebhookReceived(row.getLong("id"), row.getString("source"),
                row.getOffsetDateTime("received_at").toInstant(), row.getBuffer("body").getBytes()));
          }
          return webhooks;
        });
  }

  /**
   * RETURNING promises no order, but one statement draws its ids from the sequence in the order it inserts
   * the rows (ORDER BY n), so sorting them gives the ids in request order.
   */
  private static List<Long> ids(RowSet<Row> rows) {
    List<Long> ids = new ArrayList<>(rows.size());
    for (Row row : rows) {
      ids.add(row.getLong(0));
    }
    Collections.sort(ids);
    return ids;
  }
}
