package io.switchboard.storage;

import io.switchboard.api.DeliveryJob;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Stores classified events with the deliveries they owe and the outcome of each inbound body, all in the
 * caller's transaction. Unique keys make it idempotent: a provider's retry, or the recovery sweep
 * classifying a body twice, adds no event and no delivery. The deliveries have no unique key of their own
 * (V11): an event's are inserted only by the statement that stored the event, a body's raw ones only by the
 * statement that recorded the body's outcome.
 */
final class EventSql {

  /** One statement per group, one array per column; a duplicate id (even within the group) is skipped. */
  static final String INSERT_EVENTS = """
      INSERT INTO events (id, type, source, inbound_id, waba_id, phone_number_id, occurred_at, received_at, payload)
      SELECT id, type, source, inbound_id, waba_id, phone_number_id, occurred_at, received_at, payload::json
      FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[],
                  $8::timestamptz[], $9::text[])
        AS e(id, type, source, inbound_id, waba_id, phone_number_id, occurred_at, received_at, payload)
      ON CONFLICT (id) DO NOTHING
      RETURNING id""";

  /**
   * The deliveries a group owes. An unordered one is stored already leased to this instance (attempt 1 under way,
   * due again only when the lease ends): dispatch sends it from memory at once, with no claim. An ordered one
   * waits in its sequence, never due ('infinity'), until it is the head; a superseded status is stored ended.
   * The caller passes only the deliveries owed (see {@link #owed}), so none is stored twice. The subscription's name
   * comes back with a superseded row only, for its counter. A subscription deleted meanwhile is owed nothing (there
   * is no foreign key: V9).
   */
  static final String INSERT_DELIVERIES = """
      WITH inserted AS (
        INSERT INTO deliveries (subscription_id, message_id, event_type, inbound_id, phone_number_id, status, attempts,
                                next_attempt_at, completed_at, sequence_key, sequence_pos)
        SELECT subscription_id, message_id, event_type, inbound_id, phone_number_id, status,
               CASE WHEN status = 'pending' AND sequence_key IS NULL THEN 1 ELSE 0 END,
               CASE WHEN status <> 'pending' THEN now()
                    WHEN sequence_key IS NULL THEN now() + lease_ms * interval '1 millisecond'
                    ELSE 'infinity' END,
               CASE WHEN status <> 'pending' THEN now() END,
               sequence_key, sequence_pos
        FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::text[],
                    $8::text[], $9::int[])
          AS d(subscription_id, message_id, event_type, inbound_id, phone_number_id, lease_ms, status, sequence_key,
               sequence_pos)
        WHERE d.subscription_id IN (SELECT id FROM subscriptions)
        RETURNING id, subscription_id, message_id, status, sequence_key
      )
      SELECT i.id, i.subscription_id, i.message_id, i.status, i.sequence_key, s.name
      FROM inserted i LEFT JOIN subscriptions s ON i.status = 'superseded' AND s.id = i.subscription_id""";

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

  /** What one webhook's commit made: deliveries leased and ready to send, and events an earlier copy brought. */
  record Stored(long inboundId, List<DeliveryJob> jobs, List<String> duplicates) {}

  /**
   * What a group's commit made: per webhook, its leased deliveries and duplicates; the ordered sequences it added
   * to (each may need its next head leased); and, per superseded status, its subscription's name.
   */
  record StoredGroup(List<Stored> perRequest, List<OrderingSql.Sequence> sequences, List<String> supersededFor) {}

  /** The deliveries a group inserted: the leased ones by (subscription, message id), the sequences it added to. */
  private record Inserted(Map<String, Long> leased, List<OrderingSql.Sequence> sequences, List<String> supersededFor) {}

  /**
   * Stores a group in the caller's transaction. Its ordered deliveries wait: their heads are leased once the group
   * is committed and every body before it classified (docs/ordering.md).
   */
  static Future<StoredGroup> storeEvents(SqlConnection connection, List<PlannedWebhook> requests) {
    List<NormalizedEvent> events = new ArrayList<>();
    requests.forEach(request -> events.addAll(request.classified().events()));
    // One multi-row statement per table: cheaper for Postgres than a row per execution.
    Future<Set<String>> stored = events.isEmpty()
        ? Future.succeededFuture(Set.of())
        : connection.preparedQuery(INSERT_EVENTS).execute(eventColumns(events)).map(rows -> returned(rows, String.class));
    return stored.compose(inserted -> {
      List<List<String>> duplicates = duplicates(requests, inserted);
      return connection.preparedQuery(WebhookSql.RECORD_OUTCOMES).execute(processedColumns(requests, duplicates))
          .compose(recorded -> {
            Owed owed = owed(requests, inserted, returned(recorded, Long.class));
            return superseded(connection, owed.deliveries())
                .compose(superseded -> insertDeliveries(connection, owed.deliveries(), owed.inboundIds(), superseded))
                .map(created -> new StoredGroup(stored(requests, created.leased(), duplicates), created.sequences(),
                    created.supersededFor()));
          });
    });
  }

  /** The deliveries a group owes, with each one's inbound id. */
  record Owed(List<PlannedDelivery> deliveries, List<Long> inboundIds) {}

  /**
   * What this statement owes, of what the group planned: a body's deliveries only if its outcome was recorded now
   * (the sweep racing the fast path finds it recorded), an event's only if the event was stored now (a provider's
   * retry finds it stored), and each (subscription, message) once (a second copy in the same group). Both keys are
   * written in any case, so the deliveries need no unique index of their own: that index was keyed by the hashed
   * event id, every insert and every update landing on a random page (BENCHMARKS.md, "Session 8").
   */
  static Owed owed(List<PlannedWebhook> requests, Set<String> storedEvents, Set<Long> recordedBodies) {
    List<PlannedDelivery> deliveries = new ArrayList<>();
    List<Long> inboundIds = new ArrayList<>();
    Set<String> planned = new HashSet<>();
    for (PlannedWebhook request : requests) {
      long inboundId = request.classified().inboundId();
      if (!recordedBodies.contains(inboundId)) {
        continue;
      }
      for (PlannedDelivery d : request.deliveries()) {
        boolean first = d.isRaw() || storedEvents.contains(d.messageId());
        if (first && planned.add(key(d.subscriptionId(), d.messageId()))) {
          deliveries.add(d);
          inboundIds.add(inboundId);
        }
      }
    }
    return new Owed(deliveries, inboundIds);
  }

  /**
   * Which of the planned statuses rank below one already stored for their subscription and message, by this group
   * (earlier in it) or before it: those are recorded superseded, never sent (statusOrder: monotonic).
   */
  private static Future<boolean[]> superseded(SqlConnection connection, List<PlannedDelivery> planned) {
    Map<String, OrderingSql.Mark> highest = new HashMap<>();
    for (PlannedDelivery d : planned) {
      if (d.statusOf() != null) {
        highest.merge(OrderingSql.markKey(d.subscriptionId(), d.statusOf()),
            new OrderingSql.Mark(d.subscriptionId(), d.statusOf(), d.statusRank()),
            (a, b) -> a.rank() >= b.rank() ? a : b);
      }
    }
    if (highest.isEmpty()) {
      return Future.succeededFuture(new boolean[planned.size()]);
    }
    return OrderingSql.raiseStatusMarks(connection, new ArrayList<>(highest.values())).map(previous -> {
      boolean[] superseded = new boolean[planned.size()];
      Map<String, Integer> reached = new HashMap<>(previous);
      for (int i = 0; i < planned.size(); i++) {
        PlannedDelivery d = planned.get(i);
        if (d.statusOf() != null) {
          String key = OrderingSql.markKey(d.subscriptionId(), d.statusOf());
          int before = reached.getOrDefault(key, 0);
          superseded[i] = d.statusRank() < before;
          reached.put(key, Math.max(before, d.statusRank()));
        }
      }
      return superseded;
    });
  }

  /** The keys a RETURNING clause gave back: what this statement inserted. */
  private static <T> Set<T> returned(RowSet<Row> rows, Class<T> type) {
    Set<T> keys = new HashSet<>();
    rows.forEach(row -> keys.add(row.get(type, 0)));
    return keys;
  }

  /**
   * Per request, the events an earlier body (or an earlier request of this group) had already stored: the
   * provider's retries. Their deliveries were made the first time; nothing is sent again.
   */
  static List<List<String>> duplicates(List<PlannedWebhook> requests, Set<String> inserted) {
    Set<String> firstSeen = new HashSet<>();
    List<List<String>> perRequest = new ArrayList<>(requests.size());
    for (PlannedWebhook request : requests) {
      List<String> duplicates = new ArrayList<>();
      for (NormalizedEvent e : request.classified().events()) {
        if (!inserted.contains(e.id()) || !firstSeen.add(e.id())) {
          duplicates.add(e.id());
        }
      }
      perRequest.add(duplicates);
    }
    return perRequest;
  }

  private static Future<Inserted> insertDeliveries(SqlConnection connection, List<PlannedDelivery> planned,
      List<Long> inboundIds, boolean[] superseded) {
    if (planned.isEmpty()) {
      // Mutable: stored() removes what it hands on.
      return Future.succeededFuture(new Inserted(new HashMap<>(), List.of(), List.of()));
    }
    Map<Long, Long> leases = new HashMap<>();
    planned.forEach(d -> leases.put(d.subscriptionId(), d.lease().toMillis()));
    return connection.preparedQuery(INSERT_DELIVERIES).execute(deliveryColumns(planned, inboundIds, superseded))
        .map(rows -> {
          Map<String, Long> leased = new HashMap<>();
          Set<OrderingSql.Sequence> sequences = new LinkedHashSet<>();
          List<String> supersededFor = new ArrayList<>();
          for (Row row : rows) {
            long subscription = row.getLong("subscription_id");
            String sequence = row.getString("sequence_key");
            if ("superseded".equals(row.getString("status"))) {
              supersededFor.add(row.getString("name"));
            } else if (sequence != null) {
              sequences.add(new OrderingSql.Sequence(subscription, sequence, leases.get(subscription)));
            } else {
              leased.put(key(subscription, row.getString("message_id")), row.getLong("id"));
            }
          }
          return new Inserted(leased, new ArrayList<>(sequences), supersededFor);
        });
  }

  private static List<Stored> stored(List<PlannedWebhook> requests, Map<String, Long> created,
      List<List<String>> duplicates) {
    List<Stored> perRequest = new ArrayList<>(requests.size());
    for (int r = 0; r < requests.size(); r++) {
      PlannedWebhook request = requests.get(r);
      List<DeliveryJob> jobs = new ArrayList<>(request.deliveries().size());
      for (PlannedDelivery d : request.deliveries()) {
        // remove: a delivery planned twice in one group (the same update posted twice) is sent once.
        Long id = created.remove(key(d.subscriptionId(), d.messageId()));
        if (id != null) {
          jobs.add(new DeliveryJob(id, d.subscriptionId(), d.messageId(), request.classified().inboundId(), 1,
              d.lease().toMillis(), d.receivedAt(), d.body(), false, null));
        }
      }
      perRequest.add(new Stored(request.classified().inboundId(), jobs, duplicates.get(r)));
    }
    return perRequest;
  }

  private static String key(long subscriptionId, String messageId) {
    return subscriptionId + ":" + messageId;
  }

  private static Tuple deliveryColumns(List<PlannedDelivery> planned, List<Long> inboundIds, boolean[] superseded) {
    int size = planned.size();
    Long[] subscriptions = new Long[size];
    String[] messageIds = new String[size];
    String[] types = new String[size];
    String[] phoneNumberIds = new String[size];
    Long[] leases = new Long[size];
    String[] statuses = new String[size];
    String[] sequences = new String[size];
    Integer[] positions = new Integer[size];
    for (int i = 0; i < size; i++) {
      PlannedDelivery d = planned.get(i);
      subscriptions[i] = d.subscriptionId();
      messageIds[i] = d.messageId();
      types[i] = text(d.eventType());
      phoneNumberIds[i] = text(d.phoneNumberId());
      leases[i] = d.lease().toMillis();
      statuses[i] = superseded[i] ? "superseded" : "pending";
      // A superseded status is done: it holds no place in its sequence.
      sequences[i] = superseded[i] ? null : text(d.sequenceKey());
      positions[i] = d.sequencePos();
    }
    return Tuple.tuple().addArrayOfLong(subscriptions).addArrayOfString(messageIds).addArrayOfString(types)
        .addArrayOfLong(inboundIds.toArray(Long[]::new)).addArrayOfString(phoneNumberIds).addArrayOfLong(leases)
        .addArrayOfString(statuses).addArrayOfString(sequences).addArrayOfInteger(positions);
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
      occurredAt[i] = Utc.of(e.occurredAt());
      receivedAt[i] = Utc.of(e.receivedAt());
      payloads[i] = e.json();
    }
    return Tuple.tuple().addArrayOfString(ids).addArrayOfString(types).addArrayOfString(sources)
        .addArrayOfLong(inboundIds).addArrayOfString(wabaIds).addArrayOfString(phoneNumberIds)
        .addArrayOfOffsetDateTime(occurredAt).addArrayOfOffsetDateTime(receivedAt).addArrayOfString(payloads);
  }

  private static Tuple processedColumns(List<PlannedWebhook> requests, List<List<String>> duplicates) {
    int size = requests.size();
    Long[] ids = new Long[size];
    String[] statuses = new String[size];
    String[] errors = new String[size];
    Integer[] counts = new Integer[size];
    String[] eventIds = new String[size];
    String[] duplicateIds = new String[size];
    for (int i = 0; i < size; i++) {
      var classified = requests.get(i).classified();
      boolean unreadable = classified.events().isEmpty() && !classified.parseErrors().isEmpty();
      ids[i] = classified.inboundId();
      statuses[i] = unreadable ? "parse_error" : "processed";
      errors[i] = classified.parseErrors().isEmpty() ? null : String.join("; ", classified.parseErrors());
      counts[i] = classified.events().size();
      // Event ids are evt_ and hex: joined with commas, split again in the statement.
      eventIds[i] = classified.events().stream().map(NormalizedEvent::id).collect(Collectors.joining(","));
      duplicateIds[i] = String.join(",", duplicates.get(i));
    }
    return Tuple.tuple().addArrayOfLong(ids).addArrayOfString(statuses).addArrayOfString(errors)
        .addArrayOfInteger(counts).addArrayOfString(eventIds).addArrayOfString(duplicateIds);
  }

  /** Postgres text cannot hold U+0000; a provider value carrying one must not fail the whole group commit. */
  static String text(String value) {
    return value == null || value.indexOf('\u0000') < 0 ? value : value.replace("\u0000", "");
  }
}
