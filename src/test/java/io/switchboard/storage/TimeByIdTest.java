package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** V10: time ranges found by a binary search over the primary key, widened by id_slack(). */
@DisplayName("Time ranges by id")
class TimeByIdTest {

  @BeforeEach
  void bodies() {
    TestPostgres.reset();
    // 1 000 bodies an hour apart, ids 1..1000, in id order but for id 500, a few seconds early (another clock).
    TestPostgres.execute("INSERT INTO inbound_webhooks (id, source, received_at, status, body)"
        + " SELECT g, 'meta', timestamptz '2026-01-01 00:00Z' + g * interval '1 hour'"
        + "   - CASE WHEN g = 500 THEN interval '1 hour 10 seconds' ELSE interval '0' END,"
        + " 'received', '{}'::bytea FROM generate_series(1, 1000) AS g");
  }

  @Test
  @DisplayName("first_id_at finds where the rows at or after a time start; none after: max + 1; an empty table: null")
  void firstIdAt() {
    assertEquals(1, firstIdAt("'2025-01-01 00:00Z'"));
    assertEquals(1, firstIdAt("'2026-01-01 01:00Z'"));
    assertEquals(2, firstIdAt("'2026-01-01 01:00:01Z'"));
    assertEquals(731, firstIdAt("'2026-01-01 00:00Z'::timestamptz + 731 * interval '1 hour'"));
    assertEquals(1001, firstIdAt("'2027-01-01 00:00Z'"));
    TestPostgres.execute("DELETE FROM inbound_webhooks WHERE id % 3 <> 0");
    long bound = firstIdAt("'2026-01-01 00:00Z'::timestamptz + 731 * interval '1 hour'");
    assertTrue(bound > 729 && bound <= 732, "through the gaps (730 and 731 are gone): " + bound);
    TestPostgres.execute("DELETE FROM inbound_webhooks");
    assertEquals("", TestPostgres.queryString(
        "SELECT coalesce(first_id_at('inbound_webhooks', 'received_at', now())::text, '')"));
  }

  @Test
  @DisplayName("ids_from and ids_before bound every row of a time range, one a little out of order included")
  void boundsCoverTheRange() {
    for (int hour = 0; hour <= 1001; hour += 11) {
      String t = "'2026-01-01 00:00Z'::timestamptz + " + hour + " * interval '1 hour' + interval '30 minutes'";
      assertEquals(
          TestPostgres.count("SELECT 1 FROM inbound_webhooks WHERE received_at >= " + t),
          TestPostgres.count("SELECT 1 FROM inbound_webhooks WHERE id >= ids_from('inbound_webhooks', 'received_at', "
              + t + ") AND received_at >= " + t), "since " + hour);
      assertEquals(
          TestPostgres.count("SELECT 1 FROM inbound_webhooks WHERE received_at < " + t),
          TestPostgres.count("SELECT 1 FROM inbound_webhooks WHERE id < ids_before('inbound_webhooks', 'received_at', "
              + t + ") AND received_at < " + t), "before " + hour);
    }
    // Id 500 is early by 10 s, across the hour it belongs to: the slack keeps it in both of its ranges.
    String justBefore500 = "timestamptz '2026-01-01 00:00Z' + 499 * interval '1 hour' - interval '5 seconds'";
    assertEquals(1, TestPostgres.count("SELECT 1 FROM inbound_webhooks WHERE id < ids_before('inbound_webhooks',"
        + " 'received_at', " + justBefore500 + ") AND received_at < " + justBefore500 + " AND id = 500"));
    assertEquals(0, TestPostgres.queryLong("SELECT ids_from('inbound_webhooks', 'received_at', null) + 9223372036854775807 + 1"));
  }

  private static long firstIdAt(String time) {
    return TestPostgres.queryLong("SELECT first_id_at('inbound_webhooks', 'received_at', " + time + ")");
  }
}
