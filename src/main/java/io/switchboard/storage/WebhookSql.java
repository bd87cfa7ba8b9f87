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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Queries on {@code inbound_webhooks}: the raw requests, and the sweep that finds unclassified ones. */
final class WebhookSql {

  static final String INSERT_WEBHOOK = """
      INSERT INTO inbound_webhooks (source, received_at, client_ip, status, error, body)
      VALUES ($1, $2, $3, $4, $5, $6)
      RETURNING id""";

  static final String MARK_PROCESSED = """
      UPDATE inbound_webhooks
      SET status = $2, error = $3, event_count = $4, processed_at = now()
      WHERE id = $1""";

  static final String UNPROCESSED_WEBHOOKS = """
      SELECT id, source, received_at, body
      FROM inbound_webhooks
      WHERE status = 'received' AND received_at < now() - $1 * interval '1 millisecond'
      ORDER BY id
      LIMIT $2""";

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
   * One pipelined batch ends in a single Sync, so Postgres runs it as one implicit transaction: one commit
   * (one WAL flush) for the whole group, and the ids come back in request order.
   */
  static Future<List<Long>> insertWebhooks(SqlClient client, List<StoreWebhook> webhooks) {
    List<Tuple> rows = new ArrayList<>(webhooks.size());
    for (StoreWebhook w : webhooks) {
      rows.add(Tuple.of(w.source(), w.receivedAt().atOffset(ZoneOffset.UTC), w.clientIp(),
          w.valid() ? "received" : "invalid", w.invalidReason(), Buffer.buffer(w.body())));
    }
    return client.preparedQuery(INSERT_WEBHOOK).executeBatch(rows).map(WebhookSql::ids);
  }

  static Future<List<WebhookReceived>> unprocessedWebhooks(SqlClient client, Duration grace, int limit) {
    return client.preparedQuery(UNPROCESSED_WEBHOOKS).execute(Tuple.of(grace.toMillis(), limit))
        .map(rows -> {
          List<WebhookReceived> webhooks = new ArrayList<>();
          for (Row row : rows) {
            webhooks.add(new WebhookReceived(row.getLong("id"), row.getString("source"),
                row.getOffsetDateTime("received_at").toInstant(), row.getBuffer("body").getBytes()));
          }
          return webhooks;
        });
  }

  private static List<Long> ids(RowSet<Row> first) {
    List<Long> ids = new ArrayList<>();
    for (RowSet<Row> rows = first; rows != null; rows = rows.next()) {
      ids.add(rows.iterator().next().getLong(0));
    }
    return ids;
  }
}
