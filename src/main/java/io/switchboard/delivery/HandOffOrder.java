package io.switchboard.delivery;

import io.switchboard.api.ClassifiedWebhooks;
import io.vertx.core.Vertx;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts intake's groups back in commit order after parser instances classified them side by side: an ordered
 * subscription's events are stored, and so sent, in the order they were received. A group that is out of turn
 * waits for the ones before it, at most {@link #GAP_TIMEOUT_MS}; a group that never comes (lost to a failure)
 * is found by the recovery sweep, so the wait ends rather than holding everything behind it.
 */
final class HandOffOrder {

  private static final Logger LOG = LoggerFactory.getLogger(HandOffOrder.class);
  static final long GAP_TIMEOUT_MS = 1000;

  private final Vertx vertx;
  private final Consumer<ClassifiedWebhooks> next;
  private final TreeMap<Long, ClassifiedWebhooks> waiting = new TreeMap<>();
  private long expected;
  private long gapTimer = -1;

  HandOffOrder(Vertx vertx, Consumer<ClassifiedWebhooks> next) {
    this.vertx = vertx;
    this.next = next;
  }

  void arrived(ClassifiedWebhooks group) {
    long handOff = group.handOff();
    if (handOff < 0 || handOff < expected) { // a recovery batch, or one given up on and come after all
      next.accept(group);
      return;
    }
    waiting.put(handOff, group);
    drain();
  }

  private void drain() {
    while (!waiting.isEmpty() && waiting.firstKey() == expected) {
      next.accept(waiting.pollFirstEntry().getValue());
      expected++;
    }
    if (!waiting.isEmpty() && gapTimer < 0) {
      long stuckAt = expected;
      gapTimer = vertx.setTimer(GAP_TIMEOUT_MS, id -> {
        gapTimer = -1;
        if (expected == stuckAt && !waiting.isEmpty()) {
          LOG.warn("classified groups {} to {} never arrived; going on without them (the recovery sweep finds"
              + " their bodies)", expected, waiting.firstKey() - 1);
          expected = waiting.firstKey();
        }
        drain();
      });
    }
  }
}
