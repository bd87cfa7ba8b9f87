package io.switchboard.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Event times print as ISO-8601 UTC seconds, exactly like Instant.toString truncated")
class IsoTimeTest {

  @Test
  void matchesTheJdk() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      long seconds = (long) (random.nextDouble() * 253_402_300_799L);
      Instant instant = Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000));
      assertEquals(instant.truncatedTo(ChronoUnit.SECONDS).toString(), EventJson.iso(instant));
    }
    assertEquals("1970-01-01T00:00:00Z", EventJson.iso(Instant.EPOCH));
    assertEquals("2025-06-08T20:59:43Z", EventJson.iso(Instant.ofEpochSecond(1749416383)));
  }
}
