package io.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig.RateLimit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-address windows, on a clock the test moves. */
@DisplayName("Rate limits")
class RateLimitsTest {

  /** 10 s into an hour (and so into a minute). */
  private static final long START = 1_750_000_000_000L / 3_600_000 * 3_600_000 + 10_000;

  private final AtomicLong now = new AtomicLong(START);

  @Test
  @DisplayName("Past perMinute an address waits for the end of its minute; the next minute it is served again")
  void perMinute() {
    RateLimits limits = new RateLimits(64, now::get);
    RateLimit limit = new RateLimit(3, null);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limits.acquire("meta", "10.0.0.1", limit));
    }
    assertEquals(50, limits.acquire("meta", "10.0.0.1", limit));
    assertEquals(0, limits.acquire("meta", "10.0.0.2", limit), "another address is served");
    assertEquals(0, limits.acquire("d360", "10.0.0.1", limit), "the same address at another source is served");
    now.addAndGet(49_500);
    assertEquals(1, limits.acquire("meta", "10.0.0.1", limit), "Retry-After rounds up");
    now.addAndGet(500);
    assertEquals(0, limits.acquire("meta", "10.0.0.1", limit));
  }

  @Test
  @DisplayName("Past perHour an address waits for the end of its hour, whatever its minute allows; refusals are not counted")
  void perHour() {
    RateLimits limits = new RateLimits(64, now::get);
    RateLimit limit = new RateLimit(100, 5);
    for (int i = 0; i < 5; i++) {
      assertEquals(0, limits.acquire("meta", "10.0.0.1", limit));
      now.addAndGet(60_000);
    }
    long wait = limits.acquire("meta", "10.0.0.1", limit);
    assertEquals((START - 10_000 + 3_600_000 - now.get()) / 1000, wait);
    now.addAndGet(wait * 1000);
    assertEquals(0, limits.acquire("meta", "10.0.0.1", limit), "a new hour, and the refused request was not counted");
  }

  @Test
  @DisplayName("100 000 distinct addresses fill a fixed table and no more, while a busy address stays limited")
  void boundedUnderManyAddresses() {
    RateLimits limits = new RateLimits(1024, now::get);
    RateLimit limit = new RateLimit(10, null);
    for (int i = 0; i < 10; i++) {
      assertEquals(0, limits.acquire("meta", "203.0.113.7", limit));
    }
    for (int i = 0; i < 100_000; i++) {
      String address = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
      assertEquals(0, limits.acquire("meta", address, limit), address);
      if (i % 100 == 0) {
        assertTrue(limits.acquire("meta", "203.0.113.7", limit) > 0, "the busy address was forgotten after " + i);
      }
      if (i % 4 == 0) {
        now.incrementAndGet(); // 25 s in all: the whole flood falls in one minute
      }
    }
    assertEquals(1024, limits.capacity());
    assertEquals(1024, limits.tracked());
  }
}
