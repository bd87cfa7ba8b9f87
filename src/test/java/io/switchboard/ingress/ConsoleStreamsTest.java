package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.metrics.Meters.Totals;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Console streams: the overview's rates and percentiles, the tail's escaping")
class ConsoleStreamsTest {

  private static final double[] BOUNDS = {1, 5, 10, 50, 100};

  private static Totals totals(double accepted, double attempts, double succeeded, double... cumulative) {
    return new Totals(accepted, attempts, succeeded, 7, BOUNDS, cumulative);
  }

  @Test
  @DisplayName("rates are the counters' differences over the elapsed time; the success rate is of the attempts in between")
  void rates() {
    JsonObject sample = ConsoleStreams.rates(totals(100, 50, 40, 0, 0, 0, 0, 0), totals(300, 150, 130, 0, 0, 0, 0, 0), 2.0);
    assertEquals(100.0, sample.getDouble("intake"));
    assertEquals(50.0, sample.getDouble("deliveries"));
    assertEquals(0.9, sample.getDouble("successRate"));
    assertEquals(7.0, sample.getDouble("backlog"));
    assertNull(ConsoleStreams.rates(totals(1, 5, 5), totals(1, 5, 5), 1).getValue("successRate"), "no attempts, no rate");
  }

  @Test
  @DisplayName("a percentile is the upper bound of the bucket that holds it, counting only the attempts of the window")
  void percentiles() {
    Totals before = totals(0, 0, 0, 10, 10, 10, 10, 10);
    // In the window: 50 attempts under 1 ms, 45 more under 5 ms, 4 under 10 ms, 1 under 100 ms.
    Totals now = totals(0, 0, 0, 60, 105, 109, 109, 110);
    assertEquals(1.0, ConsoleStreams.percentile(before, now, 0.5));
    assertEquals(10.0, ConsoleStreams.percentile(before, now, 0.99));
    assertEquals(100.0, ConsoleStreams.percentile(before, now, 1.0));
    assertNull(ConsoleStreams.percentile(now, now, 0.5), "nothing finished in the window");
  }

  @Test
  @DisplayName("a tail row escapes every value and stays on one line (one SSE data line)")
  void tailRow() {
    RecentRequests.Entry entry = new RecentRequests.Entry(1, Instant.EPOCH, "meta", "POST", "127.0.0.1",
        Map.of("x-hub-signature-256", "[redacted]"), "{\"a\":\"<script>alert(1)</script>\"}\nnext", "ok", 200, "accepted");
    String row = ConsoleHtml.tailRow(entry);
    assertEquals(-1, row.indexOf('\n'));
    assertEquals(-1, row.indexOf("<script>"));
    assertEquals(true, row.contains("&lt;script&gt;") && row.contains("[redacted]"));
  }
}
