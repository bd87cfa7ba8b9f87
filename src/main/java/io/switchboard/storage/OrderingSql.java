package io.switchboard.storage;

import io.switchboard.api.DeliveryJob;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ordered delivery (docs/ordering.md): a sequence's rows wait at {@code next_attempt_at = 'infinity'} and only its
 * head is ever due, so the claims, retries and leases of unordered delivery carry it unchanged. Who adds rows to
 * a sequence or ends its head takes the sequence's advisory lock, then leases the next head if it has none and
 * every body received before it is classified (the frontier).
 */
final class OrderingSql {

  /** A sequence, and how long a head leased for it stays this instance's. */
  record Sequence(long subscriptionId, String key, long leaseMillis) {
    /** Which sequence it is, whatever the lease: one sequence must not be served twice in a pass. */
    String id() {
      return subscriptionId + " " + key;
    }
  }

  /**
   * Raises each (subscription, message) status mark to the group's highest rank and returns the rank it had
   * before. Sorted, so two groups lock shared marks in one order.
   */
  static final String RAISE_STATUS_MARKS = """
      INSERT INTO status_marks AS m (subscription_id, status_of, rank)
      SELECT subscription_id, status_of, rank
      FROM unnest($1::bigint[], $2::text[], $3::int[]) AS k(subscription_id, status_of, rank)
      ORDER BY subscription_id, status_of
      ON CONFLICT (subscription_id, status_of) DO UPDATE
        SET rank = greatest(m.rank, excluded.rank), previous = m.rank, updated_at = now()
      RETURNING subscription_id, status_of, previous""";

  /**
   * Transaction-scoped locks, one per sequence, taken in one order (two writers never wait on each other in a
   * circle). Held to the commit: an insert and a head's end on the same sequence see each other's rows.
   */
  static final String LOCK_SEQUENCES = """
      SELECT count(pg_advisory_xact_lock(l.id)) FROM (
        SELECT DISTINCT hashtextextended(subscription_id || ' ' || sequence_key, 0) AS id
        FROM unnest($1::bigint[], $2::text[]) AS u(subscription_id, sequence_key) ORDER BY 1) AS l""";

  /**
   * The classification frontier: the lowest acknowledged body not classified yet, or the next id to be handed
   * out. A head is leased only below it, so a body received later, here or at another instance, never overtakes
   * one still being classified, and a crash's leftovers hold ordered delivery until the sweep has classified
   * them. It reads a window of at most $4 ids from the last frontier ($1, or the recovery watermark if that is
   * higher), each probed by id, and stops at the first that is
   * - acknowledged and without an outcome, received within the maximum wait ($3, milliseconds) or before this
   *   instance started ($5): a body stuck longer (its events keep failing) no longer holds every ordered
   *   subscription back;
   * - not visible yet and above $2, the id sequence as it stood a grace ago: its insert may be in flight at
   *   another instance. At or below $2 an invisible id is a gap (a rolled-back insert).
   * No stop in the window: the frontier moves to its end. Also returns the sequence's last id, sampled.
   */
  static final String FRONTIER = """
      WITH l AS (SELECT (%s) AS last_id),
      w AS (SELECT f.from_id, least(l.last_id, f.from_id + $4 - 1) AS to_id, l.last_id
            FROM l, (SELECT greatest($1::bigint, (SELECT inbound_id + 1 FROM recovery_watermark)) AS from_id) AS f)
      SELECT w.last_id, w.from_id, w.to_id, (
        SELECT g.id FROM generate_series(w.from_id, w.to_id) AS g(id)
        CROSS JOIN LATERAL (SELECT (SELECT 1 FROM inbound_outcomes o WHERE o.inbound_id = g.id) AS classified,
                                   i.status, i.received_at
                            FROM (SELECT 1) AS one
                            LEFT JOIN inbound_webhooks i ON i.id = g.id
                            OFFSET 0) AS p
        WHERE p.classified IS NULL
          AND ((p.status = 'received'
                AND (p.received_at > now() - $3 * interval '1 millisecond' OR p.received_at < $5::timestamptz))
               OR (p.status IS NULL AND g.id > $2))
        ORDER BY g.id LIMIT 1) AS stop
      FROM w""".formatted(WebhookSql.LAST_INBOUND_ID);

  /** Per sequence with no head (no pending row that is due or leased), its first waiting row, in received order. */
  private static final String NEXT_HEADS = """
      SELECT n.id, n.inbound_id, k.subscription_id, k.sequence_key, k.lease_ms
      FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS k(subscription_id, sequence_key, lease_ms)
      CROSS JOIN LATERAL (
        SELECT d.id, d.inbound_id FROM deliveries d
        WHERE d.subscription_id = k.subscription_id AND d.sequence_key = k.sequence_key AND d.status = 'pending'
        ORDER BY d.inbound_id, d.sequence_pos, d.id LIMIT 1) AS n
      WHERE NOT EXISTS (SELECT 1 FROM deliveries a
        WHERE a.subscription_id = k.subscription_id AND a.sequence_key = k.sequence_key AND a.status = 'pending'
          AND a.next_attempt_at <> 'infinity')""";

  /**
   * The next heads below the frontier ($4), leased to this instance and read back with their bodies, like a
   * claim. A next head at or above the frontier comes back unleased (id null): its sequence waits for the frontier.
   */
  static final String LEASE_NEXT_HEADS = """
      WITH next AS (%s), leased AS (
        UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + next.lease_ms * interval '1 millisecond'
        FROM next WHERE d.id = next.id AND next.inbound_id < $4 AND d.status = 'pending' AND d.next_attempt_at = 'infinity'
        RETURNING d.id, d.subscription_id, d.message_id, d.event_type, d.inbound_id, d.attempts, next.lease_ms
      )
      SELECT n.subscription_id AS sequence_subscription, n.sequence_key, n.lease_ms AS sequence_lease, n.inbound_id >= $4 AS waits,
             c.id, c.subscription_id, c.message_id, c.inbound_id, c.attempts, c.lease_ms,
             coalesce(e.received_at, i.received_at) AS received_at,
             CASE WHEN c.event_type = 'raw' THEN i.body ELSE convert_to(e.payload::text, 'UTF8') END AS body
      FROM next n
      LEFT JOIN leased c ON c.id = n.id
      LEFT JOIN events e ON c.event_type <> 'raw' AND e.id = c.message_id
      LEFT JOIN inbound_webhooks i ON c.event_type = 'raw' AND i.id = c.inbound_id
      ORDER BY c.id""".formatted(NEXT_HEADS);

  /** The next heads below the frontier made due now, unleased: the poll's claim takes them with its own lease. */
  static final String WAKE_NEXT_HEADS = """
      WITH next AS (%s)
      UPDATE deliveries d SET next_attempt_at = now()
      FROM next WHERE d.id = next.id AND next.inbound_id < $4 AND d.status = 'pending'
        AND d.next_attempt_at = 'infinity'""".formatted(NEXT_HEADS);

  /**
   * Sequences left with no head: their rows were stored while ordered sending waited for the start-up sweep, or
   * the instance died between ending a head and leasing the next. Bounded, so a huge backlog is walked in parts.
   */
  static final String HEADLESS_SEQUENCES = """
      SELECT DISTINCT d.subscription_id, d.sequence_key FROM deliveries d
      WHERE d.status = 'pending' AND d.sequence_key IS NOT NULL AND d.next_attempt_at = 'infinity'
        AND d.inbound_id < $2
        AND NOT EXISTS (SELECT 1 FROM deliveries a
          WHERE a.subscription_id = d.subscription_id AND a.sequence_key = d.sequence_key AND a.status = 'pending'
            AND a.next_attempt_at <> 'infinity')
      LIMIT $1""";

  /**
   * Whether any ordered row waits with no due time (the only rows the headless sweep can wake), and the id
   * sequence's last value. The partial index on pending sequenced rows answers it at once, and is empty where
   * nothing is ordered: the frontier read the sweep needs probes thousands of ids, so it is skipped then.
   */
  static final String HEADLESS_CANDIDATES = """
      SELECT (%s) AS last_id, EXISTS (SELECT 1 FROM deliveries d
        WHERE d.status = 'pending' AND d.sequence_key IS NOT NULL AND d.next_attempt_at = 'infinity') AS waiting
      """.formatted(WebhookSql.LAST_INBOUND_ID);

  private OrderingSql() {}

  /** What {@link #HEADLESS_CANDIDATES} found. */
  record Candidates(boolean waiting, long lastId) {}

  static Future<Candidates> headlessCandidates(SqlClient client) {
    return client.preparedQuery(HEADLESS_CANDIDATES).execute().map(rows -> {
      Row row = rows.iterator().next();
      return new Candidates(row.getBoolean("waiting"), row.getLong("last_id"));
    });
  }

  /** A status mark: the highest rank a group brings for one (subscription, message). */
  record Mark(long subscriptionId, String statusOf, int rank) {}

  /** Per {@link #markKey}, the highest rank stored before this group. */
  static Future<Map<String, Integer>> raiseStatusMarks(SqlClient client, List<Mark> marks) {
    Tuple columns = Tuple.tuple()
        .addArrayOfLong(marks.stream().map(Mark::subscriptionId).toArray(Long[]::new))
        .addArrayOfString(marks.stream().map(Mark::statusOf).toArray(String[]::new))
        .addArrayOfInteger(marks.stream().map(Mark::rank).toArray(Integer[]::new));
    return client.preparedQuery(RAISE_STATUS_MARKS).execute(columns).map(rows -> {
      Map<String, Integer> previous = new HashMap<>();
      for (Row row : rows) {
        previous.put(markKey(row.getLong("subscription_id"), row.getString("status_of")), (int) row.getShort("previous"));
      }
      return previous;
    });
  }

  static String markKey(long subscriptionId, String statusOf) {
    return subscriptionId + " " + statusOf;
  }

  /** What leasing next heads came to: the jobs to send, and the sequences whose next row waits for the frontier. */
  record Leased(List<DeliveryJob> jobs, List<Sequence> waiting) {}

  /** Where the frontier stands, and the id sequence's last value when it was read. */
  record Frontier(long value, long lastId) {}

  /** How many ids one read of the frontier looks at, at most: a long way behind, it catches up a window a pass. */
  static final int FRONTIER_WINDOW = 5000;

  static Future<Frontier> frontier(SqlClient client, long from, long gapsUpTo, Duration maxWait, Instant startedAt) {
    return client.preparedQuery(FRONTIER)
        .execute(Tuple.of(from, gapsUpTo, maxWait.toMillis(), FRONTIER_WINDOW, Utc.of(startedAt)))
        .map(rows -> {
          Row row = rows.iterator().next();
          Long stop = row.getLong("stop");
          long end = Math.max(row.getLong("from_id"), row.getLong("to_id") + 1);
          return new Frontier(stop != null ? stop : end, row.getLong("last_id"));
        });
  }

  /** Locks the sequences, then leases the next head of each that has none, below the frontier. */
  static Future<Leased> leaseNextHeads(SqlClient client, List<Sequence> sequences, long frontier) {
    if (sequences.isEmpty()) {
      return Future.succeededFuture(new Leased(List.of(), List.of()));
    }
    return lock(client, sequences)
        .compose(v -> client.preparedQuery(LEASE_NEXT_HEADS).execute(columns(sequences).addLong(frontier)))
        .map(rows -> {
          List<DeliveryJob> jobs = new ArrayList<>(rows.size());
          List<Sequence> waiting = new ArrayList<>();
          for (Row row : rows) {
            if (row.getLong("id") == null) {
              if (row.getBoolean("waits")) {
                waiting.add(new Sequence(row.getLong("sequence_subscription"), row.getString("sequence_key"),
                    row.getLong("sequence_lease")));
              }
              continue;
            }
            Buffer body = row.getBuffer("body");
            OffsetDateTime receivedAt = row.getOffsetDateTime("received_at");
            jobs.add(new DeliveryJob(row.getLong("id"), row.getLong("subscription_id"), row.getString("message_id"),
                row.getLong("inbound_id"), row.getInteger("attempts"), row.getLong("lease_ms"),
                receivedAt == null ? Instant.now() : receivedAt.toInstant(), body == null ? null : body.getBytes(),
                true, null));
          }
          return new Leased(jobs, waiting);
        });
  }

  /** Finds sequences with no head and makes each one's next row below the frontier due now; returns how many. */
  static Future<Integer> wakeHeadless(Pool pool, int limit, long frontier) {
    return pool.preparedQuery(HEADLESS_SEQUENCES).execute(Tuple.of(limit, frontier)).compose(rows -> {
      List<Sequence> headless = new ArrayList<>(rows.size());
      rows.forEach(row -> headless.add(new Sequence(row.getLong(0), row.getString(1), 0)));
      if (headless.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return pool.withTransaction(c -> lock(c, headless)
          .compose(v -> c.preparedQuery(WAKE_NEXT_HEADS).execute(columns(headless).addLong(frontier)))
          .map(woken -> woken.rowCount()));
    });
  }

  private static Future<Void> lock(SqlClient client, List<Sequence> sequences) {
    return client.preparedQuery(LOCK_SEQUENCES).execute(Tuple.tuple()
        .addArrayOfLong(sequences.stream().map(Sequence::subscriptionId).toArray(Long[]::new))
        .addArrayOfString(sequences.stream().map(Sequence::key).toArray(String[]::new))).mapEmpty();
  }

  private static Tuple columns(List<Sequence> sequences) {
    return Tuple.tuple()
        .addArrayOfLong(sequences.stream().map(Sequence::subscriptionId).toArray(Long[]::new))
        .addArrayOfString(sequences.stream().map(Sequence::key).toArray(String[]::new))
        .addArrayOfLong(sequences.stream().map(Sequence::leaseMillis).toArray(Long[]::new));
  }
}
