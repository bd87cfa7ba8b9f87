package io.switchboard.ingress;

import io.switchboard.api.Bus;
import io.switchboard.api.SubscriptionSet;
import io.switchboard.metrics.Meters;
import io.switchboard.metrics.Meters.Totals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The console's server-sent event streams: the overview's numbers once a second (rates from this process's
 * meters, circuits and disabled subscriptions asked over the bus like the API does), and the live tail of
 * the debug ring as HTML rows for htmx. Each stream's timer ends with its connection, and a stream ends when its
 * session does (sign-out, expiry). At most {@link #MAX_STREAMS} are open at once on an event loop: they share it
 * with the webhooks.
 */
final class ConsoleStreams {

  private static final long OVERVIEW_MILLIS = 1000;
  private static final long TAIL_MILLIS = 500;
  private static final int TAIL_BATCH = 50;
  static final int MAX_STREAMS = 20;

  private int open;

  private final Vertx vertx;
  private final Meters meters;
  private final RecentRequests recent;

  ConsoleStreams(Vertx vertx, Meters meters, RecentRequests recent) {
    this.vertx = vertx;
    this.meters = meters;
    this.recent = recent;
  }

  /** One stream's view of the meters: rates are the difference from the totals it saw a tick ago. */
  private static final class Window {
    private Totals last;
    private long lastNanos;

    Window(Totals first) {
      this.last = first;
      this.lastNanos = System.nanoTime();
    }

    JsonObject next(Totals now) {
      long nanos = System.nanoTime();
      JsonObject sample = rates(last, now, (nanos - lastNanos) / 1e9);
      last = now;
      lastNanos = nanos;
      return sample;
    }
  }

  void overview(RoutingContext ctx, BooleanSupplier signedIn) {
    HttpServerResponse response = open(ctx);
    if (response == null) {
      return;
    }
    Window window = new Window(meters.totals());
    every(response, OVERVIEW_MILLIS, signedIn, () -> {
      JsonObject sample = window.next(meters.totals());
      health().onComplete(health -> send(response, "sample",
          sample.mergeIn(health.succeeded() ? health.result() : new JsonObject()).encode()));
    });
  }

  /** Entries newer than the last one sent, oldest first, so htmx's afterbegin swap keeps the newest on top. */
  void tail(RoutingContext ctx, BooleanSupplier signedIn) {
    HttpServerResponse response = open(ctx);
    if (response == null) {
      return;
    }
    AtomicLong lastSent = new AtomicLong(-1);
    every(response, TAIL_MILLIS, signedIn, () -> {
      List<RecentRequests.Entry> entries = recent.recent(null, TAIL_BATCH);
      for (int i = entries.size() - 1; i >= 0; i--) {
        RecentRequests.Entry entry = entries.get(i);
        if (entry.sequence() > lastSent.get()) {
          send(response, "request", ConsoleHtml.tailRow(entry));
          lastSent.set(entry.sequence());
        }
      }
    });
  }

  static JsonObject rates(Totals before, Totals now, double seconds) {
    double attempts = now.attempts() - before.attempts();
    return new JsonObject().put("t", Instant.now().getEpochSecond())
        .put("intake", round((now.accepted() - before.accepted()) / seconds))
        .put("deliveries", round(attempts / seconds))
        .put("successRate", attempts == 0 ? null : round((now.succeeded() - before.succeeded()) / attempts))
        .put("backlog", now.pending())
        .put("p50", percentile(before, now, 0.5)).put("p99", percentile(before, now, 0.99));
  }

  /** The upper bound of the bucket holding quantile {@code q} of the attempts finished in between; null when none did. */
  static Double percentile(Totals before, Totals now, double q) {
    double[] counts = now.latencyCounts();
    boolean sameBuckets = before.latencyCounts().length == counts.length;
    double total = counts.length == 0 ? 0 : counts[counts.length - 1] - (sameBuckets ? before.latencyCounts()[counts.length - 1] : 0);
    if (total <= 0) {
      return null;
    }
    for (int i = 0; i < counts.length; i++) {
      double inWindow = counts[i] - (sameBuckets ? before.latencyCounts()[i] : 0);
      if (inWindow >= q * total) {
        return now.latencyBoundsMillis()[i];
      }
    }
    return now.latencyBoundsMillis()[counts.length - 1];
  }

  private Future<JsonObject> health() {
    Future<SubscriptionSet> subscriptions = vertx.eventBus().<SubscriptionSet>request(Bus.LIST_SUBSCRIPTIONS, null)
        .map(Message::body);
    Future<JsonObject> endpoints = vertx.eventBus().<JsonObject>request(Bus.DESCRIBE_ENDPOINTS, null).map(Message::body);
    return Future.all(subscriptions, endpoints).map(all -> new JsonObject()
        .put("disabled", subscriptions.result().subscriptions().stream().filter(s -> !s.spec().enabled()).count())
        .put("openCircuits", endpoints.result().stream()
            .filter(e -> !"closed".equals(((JsonObject) e.getValue()).getString("circuit"))).count()));
  }

  /** The stream's response, or null when too many are open (answered 429). */
  private HttpServerResponse open(RoutingContext ctx) {
    if (open >= MAX_STREAMS) {
      Errors.send(ctx, 429, "too_many_streams", "at most " + MAX_STREAMS + " console streams may be open at once");
      return null;
    }
    open++;
    HttpServerResponse response = ctx.response();
    response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-store").putHeader("x-accel-buffering", "no");
    response.write(": connected\n\n");
    return response;
  }

  /**
   * Runs {@code tick} at once and then every {@code millis} until the client goes away or its session ends
   * (then the stream is closed: a stream outliving a sign-out would go on showing webhooks).
   */
  private void every(HttpServerResponse response, long millis, BooleanSupplier signedIn, Runnable tick) {
    long timer = vertx.setPeriodic(0, millis, id -> {
      if (!signedIn.getAsBoolean()) {
        response.end();
      } else if (!response.closed()) {
        tick.run();
      }
    });
    boolean[] finished = {false};
    Runnable finish = () -> {
      if (!finished[0]) {
        finished[0] = true;
        open--;
        vertx.cancelTimer(timer);
      }
    };
    response.closeHandler(v -> finish.run());
    response.endHandler(v -> finish.run());
    response.exceptionHandler(e -> finish.run());
  }

  /** One SSE message; {@code data} holds no newline (JSON, or a row ConsoleHtml escaped). */
  private static void send(HttpServerResponse response, String event, String data) {
    if (!response.closed() && !response.writeQueueFull()) {
      response.write("event: " + event + "\ndata: " + data + "\n\n");
    }
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
