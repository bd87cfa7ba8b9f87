package io.switchboard.storage;

import io.switchboard.api.NormalizedEvent;
import io.switchboard.api.PlannedDelivery;
import io.switchboard.api.StoreEvents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores classified events with the deliveries they owe and marks their inbound rows processed, all in the
 * caller's transaction. Unique keys make it idempotent: a provider's retry, or the recovery sweep
 * classifying a body twice, adds no event and no delivery.
 */
final class EventSql {

  static final String INSERT_EVENT = """
      INSERT INTO events (id, type, source, inbound_id, waba_id, phone_number_id, occurred_at, received_at, payload)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::json)
      ON CONFLICT (id) DO NOTHING""";

  static final String INSERT_DELIVERY = """
      INSERT INTO deliveries (subscription_id, message_id, event_type, inbound_id, phone_number_id, status, next_attempt_at)
      VALUES ($1, $2, $3, $4, $5, 'pending', now())
      ON CONFLICT (subscription_id, message_id) DO NOTHING""";

  static final String GET_EVENT = """
      SELECT json_build_object('id', id, 'type', type, 'source', source, 'inbound_id', inbound_id, 'waba_id', waba_id,
        'phone_number_id', phone_number_id, 'occurred_at', occurred_at, 'received_at', received_at,
        'payload', payload) AS item
      FROM events WHERE id = $1""";

  private EventSql() {}

  static Future<JsonObject> getEvent(SqlClient client, String id) {
    return client.preparedQuery(GET_EVENT).execute(Tuple.of(id)).compose(rows -> rows.size() == 0
        ? Replies.notFound("no event with id " + id)
        : Future.succeededFuture(rows.iterator().next().getJsonObject("item")));
  }

  /** Returns, per request, how many new deliveries it created. */
  static Future<List<Integer>> storeEvents(SqlConnection connection, List<StoreEvents> requests) {
    List<Tuple> events = new ArrayList<>();
    List<Tuple> deliveries = new ArrayList<>();
    List<Tuple> processed = new ArrayList<>();
    for (StoreEvents request : requests) {
      var classified = request.classified();
      classified.events().forEach(e -> events.add(eventRow(e)));
      request.deliveries().forEach(d -> deliveries.add(deliveryRow(d, classified.inboundId())));
      boolean unreadable = classified.events().isEmpty() && !classified.parseErrors().isEmpty();
      processed.add(Tuple.of(classified.inboundId(), unreadable ? "parse_error" : "processed",
          classified.parseErrors().isEmpty() ? null : String.join("; ", classified.parseErrors()),
          classified.events().size()));
    }
    return batch(connection, INSERT_EVENT, events)
        .compose(v -> batch(connection, INSERT_DELIVERY, deliveries))
        .compose(inserted -> batch(connection, WebhookSql.MARK_PROCESSED, processed)
            .map(v -> newDeliveriesPerRequest(requests, inserted)));
  }

  private static Tuple eventRow(NormalizedEvent e) {
    return Tuple.of(e.id(), text(e.type()), e.source(), e.inboundId(), text(e.wabaId()), text(e.phoneNumberId()),
            e.occurredAt().atOffset(ZoneOffset.UTC), e.receivedAt().atOffset(ZoneOffset.UTC))
        .addString(e.json());
  }

  private static Tuple deliveryRow(PlannedDelivery d, long inboundId) {
    return Tuple.of(d.subscriptionId(), d.messageId(), text(d.eventType()), inboundId, text(d.phoneNumberId()));
  }

  /** Postgres text cannot hold U+0000; a provider value carrying one must not fail the whole group commit. */
  private static String text(String value) {
    return value == null || value.indexOf('\u0000') < 0 ? value : value.replace("\u0000", "");
  }

  private static Future<List<Integer>> batch(SqlConnection connection, String sql, List<Tuple> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return connection.preparedQuery(sql).executeBatch(rows).map(EventSql::rowCounts);
  }

  private static List<Integer> rowCounts(RowSet<Row> first) {
    List<Integer> counts = new ArrayList<>();
    for (RowSet<Row> rows = first; rows != null; rows = rows.next()) {
      counts.add(rows.rowCount());
    }
    return counts;
  }

  private static List<Integer> newDeliveriesPerRequest(List<StoreEvents> requests, List<Integer> inserted) {
    List<Integer> perRequest = new ArrayList<>(requests.size());
    int next = 0;
    for (StoreEvents request : requests) {
      int created = 0;
      for (int i = 0; i < request.deliveries().size(); i++) {
        created += inserted.get(next++);
      }
      perRequest.add(created);
    }
    return perRequest;
  }
}
