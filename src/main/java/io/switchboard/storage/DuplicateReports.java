package io.switchboard.storage;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks whose events were stored already: a provider's retry, normal and sometimes in bulk (a provider
 * that missed our answers sends a whole window again). One log line per group cost more than the group's
 * writes, so the log gets at most one line every {@link #EVERY_SECONDS} seconds, counting what came since
 * and naming the latest. Confined to the pipeline writes' event loop.
 */
final class DuplicateReports {

  private static final Logger LOG = LoggerFactory.getLogger(DuplicateReports.class);
  private static final long EVERY_SECONDS = 10;
  private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(EVERY_SECONDS);

  private long unreported;
  private long lastReport = System.nanoTime() - EVERY_NANOS;

  void record(List<EventSql.Stored> stored) {
    EventSql.Stored latest = null;
    for (EventSql.Stored webhook : stored) {
      if (!webhook.duplicates().isEmpty()) {
        unreported++;
        latest = webhook;
      }
    }
    long now = System.nanoTime();
    if (latest != null && now - lastReport >= EVERY_NANOS) {
      LOG.info("{} inbound webhook(s) repeated events already stored, not delivered again, since the last such line"
          + " (one every {} s at most); latest inboundId={} duplicate of {}", unreported, EVERY_SECONDS,
          latest.inboundId(), String.join(", ", latest.duplicates()));
      unreported = 0;
      lastReport = now;
    }
  }
}
