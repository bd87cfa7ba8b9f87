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
  void aSlowCountWaitsTwentyTimesItsOwnDuration() {
    assertEquals(6_000, HousekeepingVerticle.nextPendingRefresh(300));
    assertEquals(60_000, HousekeepingVerticle.nextPendingRefresh(3_000));
  }
}
