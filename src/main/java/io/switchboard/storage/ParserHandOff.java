package io.switchboard.storage;

import io.switchboard.api.Bus;
import io.switchboard.api.ReceivedWebhooks;
import io.switchboard.api.StoreWebhook;
import io.switchboard.api.WebhookReceived;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands committed bodies to the parser a group at a time. At a moderate rate a commit holds only a few bodies,
 * and every group costs the parser, the planner and the events transaction about the same whatever its
 * size, so bodies wait up to {@link #LINGER_MS} for company (at saturation the groups only grow); once
 * {@code maxBatch} have gathered they go at once. They are committed already: any a crash leaves here is found
 * by the recovery sweep.
 */
final class ParserHandOff {

  static final long LINGER_MS = 10;

  private final Vertx vertx;
  private final int maxBatch;
  private final List<WebhookReceived> waiting = new ArrayList<>();
  private long timer = -1;

  ParserHandOff(Vertx vertx, int maxBatch) {
    this.vertx = vertx;
    this.maxBatch = maxBatch;
  }

  /** Bodies that are not JSON were stored for the operator only: they are never classified. */
  void committed(List<StoreWebhook> rows, List<Long> ids) {
    for (int i = 0; i < rows.size(); i++) {
      StoreWebhook row = rows.get(i);
      if (row.valid()) {
        waiting.add(new WebhookReceived(ids.get(i), row.source(), row.receivedAt(), row.body()));
      }
    }
    if (waiting.size() >= maxBatch) {
      flush();
    } else if (!waiting.isEmpty() && timer < 0) {
      timer = vertx.setTimer(LINGER_MS, id -> {
        timer = -1;
        flush();
      });
    }
  }

  void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (!waiting.isEmpty()) {
      vertx.eventBus().send(Bus.WEBHOOKS_RECEIVED, new ReceivedWebhooks(waiting)); // the record copies
      waiting.clear();
    }
  }
}
