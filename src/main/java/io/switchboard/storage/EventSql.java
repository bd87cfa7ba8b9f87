package io.switchboard.storage;

import io.switchboard.api.NormalizedEvent;
import io.switchboard.api.PlannedDelivery;
import io.switchboard.api.PlannedWebhook;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores classified events with the deliveries they owe and the outcome of each inbound body, all in the
 * caller's transaction. Unique keys make it idempotent: a provider's retry, or the recovery sweep
 * classifying a body twice, adds no event and no delivery.
 */
final class EventSql {

  /** One statement per group, one array per column; a duplicate id (even within the group) is skipped. */
  static final String INSERT_EVENTS = """
      INSERT INTO events (id, type, source, inbound_id, waba_id, phone_number_id, occurred_at, received_at, payload)
      SELECT id, type, source, inbound_id, waba_id, phone_number_id, occurred_at, received_at, payload::json
      FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[],
                  $8::timestamptz[], $9::text[])
        AS e(id, type, source, inbound_id, waba_id, phone_number_id, occurred_at, received_at, payload)
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
  static Future<List<Integer>> storeEvents(SqlConnection connection, List<PlannedWebhook> requests) {
    List<NormalizedEvent> events = new ArrayList<>();
    List<Tuple> deliveries = new ArrayList<>();
    for (PlannedWebhook request : requests) {
      events.addAll(request.classified().events());
      request.deliveries().forEach(d -> deliveries.add(deliveryRow(d, request.classified().inboundId())));
    }
    // Events and outcomes are one multi-row statement each (cheaper for Postgres than a row per
    // execution); deliveries stay a batch because each request needs its own count of new rows.
    Future<?> stored = events.isEmpty()
        ? Future.succeededFuture()
        : connection.preparedQuery(INSERT_EVENTS).execute(eventColumns(events));
    return stored
        .compose(v -> batch(connection, INSERT_DELIVERY, deliveries))
        .compose(inserted -> connection.preparedQuery(WebhookSql.RECORD_OUTCOMES).execute(processedColumns(requests))
            .map(v -> newDeliveriesPerRequest(requests, inserted)));
  }

  private static Tuple eventColumns(List<NormalizedEvent> events) {
    int size = events.size();
    String[] ids = new String[size];
    String[] types = new String[size];
    String[] sources = new String[size];
    Long[] inboundIds = new Long[size];
    String[] wabaIds = new String[size];
    String[] phoneNumberIds = new String[size];
    OffsetDateTime[] occurredAt = new OffsetDateTime[size];
    OffsetDateTime[] receivedAt = new OffsetDateTime[size];
    String[] payloads = new String[size];
    for (int i = 0; i < size; i++) {
      NormalizedEvent e = events.get(i);
      ids[i] = e.id();
      types[i] = text(e.type());
      sources[i] = e.source();
      inboundIds[i] = e.inboundId();
      wabaIds[i] = text(e.wabaId());
      phoneNumberIds[i] = text(e.phoneNumberId());
      occurredAt[i] = e.occurredAt().atOffset(ZoneOffset.UTC);
      receivedAt[i] = e.receivedAt().atOffset(ZoneOffset.UTC);
      payloads[i] = e.json();
    }
    return Tuple.tuple().addArrayOfString(ids).addArrayOfString(types).addArrayOfString(sources)
        .addArrayOfLong(inboundIds).addArrayOfString(wabaIds).addArrayOfString(phoneNumberIds)
        .addArrayOfOffsetDateTime(occurredAt).addArrayOfOffsetDateTime(receivedAt).addArrayOfString(payloads);
  }

  private static Tuple processedColumns(List<PlannedWebhook> requests) {
    int size = requests.size();
    Long[] ids = new Long[size];
    String[] statuses = new String[size];
    String[] errors = new String[size];
    Integer[] counts = new Integer[size];
    for (int i = 0; i < size; i++) {
      var classified = requests.get(i).classified();
      boolean unreadable = classified.events().isEmpty() && !classified.parseErrors().isEmpty();
      ids[i] = classified.inboundId();
      statuses[i] = unreadable ? "parse_error" : "processed";
      errors[i] = classified.parseErrors().isEmpty() ? null : String.join("; ", classified.parseErrors());
      counts[i] = classified.events().size();
    }
    return Tuple.tuple().addArrayOfLong(ids).addArrayOfString(statuses).addArrayOfString(errors)
        .addArrayOfInteger(counts);
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

  private static List<Integer> newDeliveriesPerRequest(List<PlannedWebhook> requests, List<Integer> inserted) {
    List<Integer> perRequest = new ArrayList<>(requests.size());
    int next = 0;
    for (PlannedWebhook request : requests) {
      int created = 0;
      for (int i = 0; i < request.deliveries().size(); i++) {
        created += inserted.get(next++);
      }
      perRequest.add(created);
    }
    return perRequest;
  }
}
