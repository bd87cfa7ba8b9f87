package io.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The pending gauge's count backs off with its own cost, so a deep backlog is not counted every 5 s. */
class PendingGaugeTest {

  @Test
  void aQuickCountRefreshesEveryFiveSeconds() {
    assertEquals(5_000, HousekeepingVerticle.nextPendingRefresh(0));
    assertEquals(5_000, HousekeepingVerticle.nextPendingRefresh(250));
  }

  @Test
  void aSlowCountWaitsTwentyTimesItsOwnDurationInWholePeriods() {
    assertEquals(10_000, HousekeepingVerticle.nextPendingRefresh(251));
    assertEquals(10_000, HousekeepingVerticle.nextPendingRefresh(500));
    assertEquals(60_000, HousekeepingVerticle.nextPendingRefresh(3_000));
  }

  @Test
  void theGaugeIsRefreshedAtLeastEveryFiveMinutes() {
    assertEquals(300_000, HousekeepingVerticle.nextPendingRefresh(15_000));
    assertEquals(300_000, HousekeepingVerticle.nextPendingRefresh(60_000));
  }
}
