package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.TestPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** V10: time ranges found by a binary search over the primary key, widened by id_slack() (10 minutes). */
@DisplayName("Time ranges by id")
class TimeByIdTest {

  private static final String BASE = "timestamptz '2026-01-01 00:00Z'";

  @Test
  @DisplayName("first_id_at finds the first id at or after a time, across gaps; none after: max + 1; empty: null")
  void firstIdAt() {
    hourlyBodies();
    assertEquals(1, firstIdAt(BASE + " - interval '1 year'"));
    assertEquals(1, firstIdAt(BASE + " + interval '1 hour'"));
    assertEquals(2, firstIdAt(BASE + " + interval '1 hour 1 second'"));
    assertEquals(731, firstIdAt(BASE + " + 731 * interval '1 hour'"));
    assertEquals(1001, firstIdAt(BASE + " + interval '2 years'"));
    TestPostgres.execute("DELETE FROM inbound_webhooks WHERE id % 3 <> 0");
    assertEquals(732, firstIdAt(BASE + " + 731 * interval '1 hour'"), "the row after the gap, not the gap");
    // What retention leaves: a few old bodies (one stuck unclassified), then a hole, then new traffic. Events that
    // referred to the purged bodies must stay below the bound.
    TestPostgres.execute("DELETE FROM inbound_webhooks WHERE id BETWEEN 10 AND 998");
    assertEquals(999, firstIdAt(BASE + " + 500 * interval '1 hour'"));
    assertEquals(999, TestPostgres.queryLong(
        "SELECT ids_before('inbound_webhooks', 'received_at', " + BASE + " + 500 * interval '1 hour')"));
    TestPostgres.execute("DELETE FROM inbound_webhooks");
    assertEquals("", TestPostgres.queryString(
        "SELECT coalesce(first_id_at('inbound_webhooks', 'received_at', now())::text, '')"));
  }

  @Test
  @DisplayName("ids_from and ids_before bound a time range to the ids whose rows are within the slack of it")
  void boundsAreTight() {
    hourlyBodies();
    for (int hour = 0; hour <= 1000; hour += 37) {
      // Half past an hour: the rows at or after it start at the next hour's id, with the 10-minute slack too.
      String t = BASE + " + " + hour + " * interval '1 hour' + interval '30 minutes'";
      assertEquals(hour + 1, TestPostgres.queryLong("SELECT ids_from('inbound_webhooks', 'received_at', " + t + ")"));
      assertEquals(hour + 1, TestPostgres.queryLong("SELECT ids_before('inbound_webhooks', 'received_at', " + t + ")"));
      assertEquals(TestPostgres.count("SELECT 1 FROM inbound_webhooks WHERE received_at >= " + t),
          TestPostgres.count("SELECT 1 FROM inbound_webhooks WHERE id >= ids_from('inbound_webhooks', 'received_at', "
              + t + ") AND received_at >= " + t), "since " + hour);
    }
    assertEquals(Long.MIN_VALUE, TestPostgres.queryLong("SELECT ids_from('inbound_webhooks', 'received_at', null)"));
    assertEquals(Long.MAX_VALUE, TestPostgres.queryLong("SELECT ids_before('inbound_webhooks', 'received_at', null)"));
  }

  @Test
  @DisplayName("a row out of id order by less than the slack stays inside both of its ranges")
  void slackKeepsRowsOutOfOrder() {
    TestPostgres.reset();
    // Id 3 came from a router whose clock is 5 minutes behind the one that wrote id 2.
    TestPostgres.execute("INSERT INTO inbound_webhooks (id, source, received_at, status, body) VALUES"
        + " (1, 'meta', '2026-01-01 10:00Z', 'received', '{}'), (2, 'meta', '2026-01-01 10:20Z', 'received', '{}'),"
        + " (3, 'meta', '2026-01-01 10:15Z', 'received', '{}')");
    assertEquals(2, firstIdAt("'2026-01-01 10:17Z'"), "the search alone stops before id 3");
    assertEquals(2, TestPostgres.count("SELECT 1 FROM inbound_webhooks WHERE id < ids_before('inbound_webhooks',"
        + " 'received_at', '2026-01-01 10:17Z') AND received_at < '2026-01-01 10:17Z'"), "until 10:17: ids 1 and 3");
    assertEquals(2, TestPostgres.count("SELECT 1 FROM inbound_webhooks WHERE id >= ids_from('inbound_webhooks',"
        + " 'received_at', '2026-01-01 10:12Z') AND received_at >= '2026-01-01 10:12Z'"), "since 10:12: ids 2 and 3");
  }

  /** 1 000 bodies an hour apart, ids 1..1000. */
  private static void hourlyBodies() {
    TestPostgres.reset();
    TestPostgres.execute("INSERT INTO inbound_webhooks (id, source, received_at, status, body)"
        + " SELECT g, 'meta', " + BASE + " + g * interval '1 hour', 'received', '{}'::bytea"
        + " FROM generate_series(1, 1000) AS g");
  }

  private static long firstIdAt(String time) {
    return TestPostgres.queryLong("SELECT first_id_at('inbound_webhooks', 'received_at', " + time + ")");
  }
}
