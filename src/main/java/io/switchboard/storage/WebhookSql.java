package io.switchboard.storage;

import io.switchboard.api.FindWebhooks;
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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Queries on {@code inbound_webhooks} (the raw requests, append-only) and {@code inbound_outcomes} (what
 * classification made of them), and the sweep that finds bodies with no outcome.
 */
final class WebhookSql {

  /** One statement for a whole group: one array per column, rows inserted in array order. */
  static final String INSERT_WEBHOOKS = """
      INSERT INTO inbound_webhooks (source, received_at, client_ip, status, error, body)
      SELECT source, received_at, client_ip, status, error, body
      FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::bytea[])
        WITH ORDINALITY AS w(source, received_at, client_ip, status, error, body, n)
      ORDER BY n
      RETURNING id""";

  /**
   * What classification made of a whole group, one statement: arrays of inbound id, status, error and event
   * count. The first outcome stays: a body classified twice (the sweep racing the fast path) is the same. Returns
   * the bodies recorded now, the only ones whose deliveries are still owed.
   */
  static final String RECORD_OUTCOMES = """
      INSERT INTO inbound_outcomes (inbound_id, status, error, event_count, processed_at, event_ids, duplicate_ids)
      SELECT id, status, error, event_count, now(), string_to_array(event_ids, ','), string_to_array(duplicate_ids, ',')
      FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[])
        AS o(id, status, error, event_count, event_ids, duplicate_ids)
      ON CONFLICT (inbound_id) DO NOTHING
      RETURNING inbound_id""";

  /**
   * Ids in (%1$s, %2$s] with no outcome, found in the outcomes index alone: reading the body rows instead would
   * pull just-written pages back in and dirty them again with hint bits. The outcomes side is bounded by the
   * same range (else the planner may hash the whole table); OFFSET 0 keeps it from probing bodies first.
   */
  private static final String WITHOUT_OUTCOME = """
      SELECT g.id FROM generate_series(%1$s + 1, %2$s) AS g(id)
      WHERE NOT EXISTS (SELECT 1 FROM inbound_outcomes o
        WHERE o.inbound_id = g.id AND o.inbound_id > %1$s AND o.inbound_id <= %2$s)
      OFFSET 0""";

  /** The last inbound id the sequence has handed out (0 before the first). */
  static final String LAST_INBOUND_ID =
      "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM inbound_webhooks_id_seq";

  /**
   * Raises the recovery watermark to just below the oldest unclassified row, but never past the id sequence
   * as it stood at least the grace ago (database clock): an id handed out since may belong to an insert still
   * in flight, invisible until it commits. Each time that sample is old enough it is used and taken again,
   * and becomes the end of the range the sweep reads ({@code scan_to}). The body rows are looked up one id
   * at a time (a scalar subquery), never scanned.
   */
  static final String ADVANCE_WATERMARK = """
      UPDATE recovery_watermark AS r SET
        inbound_id = CASE WHEN r.sample_at < now() - $1 * interval '1 millisecond'
          THEN greatest(r.inbound_id, least(r.sample_id,
            (SELECT min(c.id) - 1 FROM (%s) AS c
             WHERE (SELECT i.status FROM inbound_webhooks i WHERE i.id = c.id) = 'received')))
          ELSE r.inbound_id END,
        sample_id = CASE WHEN r.sample_at < now() - $1 * interval '1 millisecond'
          THEN (%s)
          ELSE r.sample_id END,
        sample_at = CASE WHEN r.sample_at < now() - $1 * interval '1 millisecond' THEN now() ELSE r.sample_at END,
        scan_to = CASE WHEN r.sample_at < now() - $1 * interval '1 millisecond' THEN r.sample_id ELSE r.scan_to END
      RETURNING inbound_id, scan_to""".formatted(WITHOUT_OUTCOME.formatted("r.inbound_id", "r.sample_id"), LAST_INBOUND_ID);

  /**
   * Acknowledged bodies never classified, oldest first: above the watermark and at most the sample that last
   * capped it (every id there was handed out more than the grace ago), 'received', no outcome. OFFSET 0 keeps
   * the lateral lookup a probe by id, whatever the planner thinks of the candidates' count.
   */
  private static final String UNPROCESSED = """
      SELECT i.id, i.source, i.received_at, i.body
      FROM (%s) AS c
      CROSS JOIN LATERAL (SELECT * FROM inbound_webhooks w WHERE w.id = c.id OFFSET 0) AS i
      WHERE i.status = 'received' AND i.received_at < %s
      ORDER BY i.id
      LIMIT $3""";
  static final String UNPROCESSED_WEBHOOKS = UNPROCESSED.formatted(WITHOUT_OUTCOME.formatted("$1::bigint", "$4::bigint"),
      "now() - $2 * interval '1 millisecond'");
  /** The same, received before a given time: the start-up sweep's (this instance handles what came after). */
  static final String UNPROCESSED_RECEIVED_BEFORE = UNPROCESSED.formatted(
      WITHOUT_OUTCOME.formatted("$1::bigint", "$4::bigint"), "$2::timestamptz");

  /**
   * The body goes out as bytes and is decoded in Java: convert_from would fail on a body that is not UTF-8.
   * Its deliveries are found through the (subscription_id, inbound_id) index, one probe per subscription and body:
   * this body's own (raw) and those of the bodies that first brought its events (the same body but for a
   * provider's retry), narrowed to its events.
   */
  static final String GET_WEBHOOK = """
      WITH i AS (
        SELECT i.*, o.status AS outcome, o.processed_at, o.error AS outcome_error, o.duplicate_ids,
          coalesce(o.event_ids, ARRAY(SELECT e.id FROM events e WHERE e.inbound_id = i.id ORDER BY e.id)) AS ids
        FROM inbound_webhooks i LEFT JOIN inbound_outcomes o ON o.inbound_id = i.id WHERE i.id = $1
      )
      SELECT json_build_object('id', i.id, 'source', i.source, 'status', coalesce(i.outcome, i.status),
        'received_at', i.received_at, 'processed_at', i.processed_at, 'error', coalesce(i.outcome_error, i.error),
        'event_ids', to_json(i.ids),
        'duplicate_of', coalesce(to_json(i.duplicate_ids), '[]'),
        'events', (SELECT coalesce(json_agg(json_build_object('id', e.id, 'type', e.type,
                     'phone_number_id', e.phone_number_id, 'occurred_at', e.occurred_at) ORDER BY e.id), '[]')
                   FROM events e WHERE e.id = ANY(i.ids)),
        'deliveries', (SELECT coalesce(json_agg(json_build_object('id', d.id, 'subscription', s.name,
                         'event_id', d.message_id, 'event_type', d.event_type, 'status', d.status,
                         'attempts', d.attempts, 'last_status_code', d.last_status_code) ORDER BY d.id), '[]')
                       FROM subscriptions s JOIN deliveries d ON d.subscription_id = s.id
                       WHERE d.inbound_id = ANY(ARRAY(SELECT e.inbound_id FROM events e WHERE e.id = ANY(i.ids))
                                                || i.id)
                         AND d.message_id = ANY(i.ids || ('raw_' || i.id)))
      ) AS item, i.body
      FROM i""";

  /**
   * A page of raw webhooks, newest first, without their bodies (only the size): keyset on id, like the
   * delivery log. The status filter is the one an operator reads: the outcome when there is one.
   */
  static final String FIND_WEBHOOKS = """
      SELECT json_build_object('id', i.id, 'source', i.source, 'status', coalesce(o.status, i.status),
        'received_at', i.received_at, 'client_ip', i.client_ip, 'bytes', octet_length(i.body),
        'event_count', o.event_count, 'error', coalesce(o.error, i.error)) AS item
      FROM inbound_webhooks i LEFT JOIN inbound_outcomes o ON o.inbound_id = i.id
      WHERE ($1::text IS NULL OR i.source = $1)
        AND ($2::text IS NULL OR coalesce(o.status, i.status) = $2)
        AND %s
        AND %s
        AND ($5::bigint IS NULL OR i.id < $5)
      ORDER BY i.id DESC
      LIMIT $6""".formatted(
      TimeRanges.since("i.id", "i.received_at", TimeRanges.BODIES, "$3"),
      TimeRanges.before("i.id", "i.received_at", TimeRanges.BODIES, "$4"));

  /** How far past the last body of a batch the next read of a drain looks, in batches. */
  private static final int DRAIN_WINDOW_BATCHES = 50;

  /** What one sweep read: the oldest unclassified bodies, and the end of the range it may read up to. */
  record Recovered(List<WebhookReceived> webhooks, long scanTo) {}

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

  static Future<JsonObject> findWebhooks(SqlClient client, FindWebhooks query) {
    Tuple params = Tuple.of(query.source(), query.status(), Utc.of(query.since()), Utc.of(query.until()), query.beforeId(),
        query.limit() + 1);
    return client.preparedQuery(FIND_WEBHOOKS).execute(params).map(rows -> LogSql.page(rows, query.limit()));
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
      receivedAt[i] = Utc.of(w.receivedAt());
      clientIps[i] = w.clientIp();
      statuses[i] = w.valid() ? "received" : "invalid";
      errors[i] = w.invalidReason();
      bodies[i] = Buffer.buffer(w.body());
    }
    return client.preparedQuery(INSERT_WEBHOOKS)
        .execute(Tuple.of(sources, receivedAt, clientIps, statuses, errors, bodies))
        .map(WebhookSql::ids);
  }

  /** The outcome {@code refused} for one body, through the same statement as every other outcome. */
  static Future<Void> recordRefused(SqlClient client, long inboundId, String error) {
    return client.preparedQuery(RECORD_OUTCOMES).execute(Tuple.tuple().addArrayOfLong(new Long[] {inboundId})
        .addArrayOfString(new String[] {"refused"}).addArrayOfString(new String[] {error})
        .addArrayOfInteger(new Integer[] {0}).addArrayOfString(new String[] {null})
        .addArrayOfString(new String[] {null})).mapEmpty();
  }

  /** Moves the watermark up, then reads the unclassified bodies above it, oldest first. */
  static Future<Recovered> unprocessedWebhooks(SqlClient client, Duration grace, int limit) {
    return client.preparedQuery(ADVANCE_WATERMARK).execute(Tuple.of(grace.toMillis()))
        .compose(watermark -> {
          Row bounds = watermark.iterator().next();
          long from = bounds.getLong("inbound_id");
          long to = bounds.getLong("scan_to");
          // Caught up (the usual case): nothing between the watermark and the last sample to read.
          return read(client, grace, limit, from, to).map(webhooks -> new Recovered(webhooks, to));
        });
  }

  /** The watermark, and the last id the sequence has handed out. */
  static final String START_UP_BOUNDS = """
      SELECT r.inbound_id, (%s) AS last_id FROM recovery_watermark r""".formatted(LAST_INBOUND_ID);

  /**
   * At start, every body received before {@code startedAt} and never classified, however young: a crash's
   * leftovers. Bodies received since are this instance's own, on their way through its pipeline. The grace is
   * for another instance's commits in flight, which this may classify too (harmless: storing events is
   * idempotent). The watermark does not move: only the periodic sweep's grace makes that safe.
   */
  static Future<Recovered> receivedBefore(SqlClient client, Instant startedAt, int limit) {
    return client.query(START_UP_BOUNDS).execute().compose(rows -> {
      Row bounds = rows.iterator().next();
      long to = bounds.getLong("last_id");
      return receivedBefore(client, startedAt, limit, bounds.getLong("inbound_id"), to)
          .map(webhooks -> new Recovered(webhooks, to));
    });
  }

  /**
   * The next of those after {@code afterId}, window by window up to {@code scanTo}: the leftovers of a crash under
   * load sit near the top of the range, far above a watermark that trails by a grace.
   */
  static Future<List<WebhookReceived>> receivedBefore(SqlClient client, Instant startedAt, int limit, long afterId,
      long scanTo) {
    long to = Math.min(scanTo, afterId + (long) DRAIN_WINDOW_BATCHES * limit);
    if (afterId >= to) {
      return Future.succeededFuture(List.of());
    }
    return client.preparedQuery(UNPROCESSED_RECEIVED_BEFORE)
        .execute(Tuple.of(afterId, Utc.of(startedAt), limit, to))
        .map(WebhookSql::received)
        .compose(found -> found.isEmpty() ? receivedBefore(client, startedAt, limit, to, scanTo)
            : Future.succeededFuture(found));
  }

  /**
   * The next unclassified bodies after {@code afterId}, for a sweep draining a backlog: it reads a window of
   * at most {@value #DRAIN_WINDOW_BATCHES} batches past the last one, so each read stays short however large
   * the backlog (the periodic sweep still reads everything from the watermark up).
   */
  static Future<List<WebhookReceived>> unprocessedAfter(SqlClient client, Duration grace, int limit, long afterId,
      long scanTo) {
    return read(client, grace, limit, afterId, Math.min(scanTo, afterId + (long) DRAIN_WINDOW_BATCHES * limit));
  }

  private static Future<List<WebhookReceived>> read(SqlClient client, Duration grace, int limit, long from, long to) {
    return from >= to
        ? Future.succeededFuture(List.of())
        : client.preparedQuery(UNPROCESSED_WEBHOOKS).execute(Tuple.of(from, grace.toMillis(), limit, to))
            .map(WebhookSql::received);
  }

  private static List<WebhookReceived> received(RowSet<Row> rows) {
    List<WebhookReceived> webhooks = new ArrayList<>(rows.size());
    for (Row row : rows) {
      webhooks.add(new WebhookReceived(row.getLong("id"), row.getString("source"),
          row.getOffsetDateTime("received_at").toInstant(), row.getBuffer("body").getBytes()));
    }
    return webhooks;
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
