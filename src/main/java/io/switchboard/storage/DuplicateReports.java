package io.switchboard.storage;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks whose events were stored already: a provider's retry, normal and sometimes in bulk (a provider
 * that missed our answers sends a whole window again). A log line per group commit showed in the router's
 * profile while one body was posted again and again (BENCHMARKS.md), so the log gets at most one line every
 * {@link #EVERY_SECONDS} seconds: the first at once, and what came after it when the window ends, counted,
 * naming the latest. Confined to the pipeline writes' event loop.
 */
final class DuplicateReports {

  private static final Logger LOG = LoggerFactory.getLogger(DuplicateReports.class);
  private static final long EVERY_SECONDS = 10;
  private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(EVERY_SECONDS);

  private final Vertx vertx;
  private long unreported;
  private EventSql.Stored latest;
  private long lastReport = System.nanoTime() - EVERY_NANOS;
  private boolean reportDue;

  DuplicateReports(Vertx vertx) {
    this.vertx = vertx;
  }

  void record(List<EventSql.Stored> stored) {
    for (EventSql.Stored webhook : stored) {
      if (!webhook.duplicates().isEmpty()) {
        unreported++;
        latest = webhook;
      }
    }
    if (unreported == 0 || reportDue) {
      return;
    }
    long wait = lastReport + EVERY_NANOS - System.nanoTime();
    if (wait <= 0) {
      report();
    } else {
      reportDue = true;
      vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), id -> {
        reportDue = false;
        report();
      });
    }
  }

  private void report() {
    LOG.info("{} inbound webhook(s) repeated events already stored, not delivered again (one such line every {} s"
        + " at most); latest inboundId={} duplicate of {}", unreported, EVERY_SECONDS, latest.inboundId(),
        String.join(", ", latest.duplicates()));
    unreported = 0;
    latest = null;
    lastReport = System.nanoTime();
  }
}
