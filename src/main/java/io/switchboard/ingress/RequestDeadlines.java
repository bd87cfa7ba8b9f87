package io.switchboard.ingress;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code http.requestReadTimeout}: once a connection opens, or its last response is sent, the next request
 * must arrive whole (headers and body) in time, or the connection is closed. An idle timeout alone cannot
 * catch a client that sends one byte every few seconds. Each connection carries a deadline, and one sweep
 * closes those past it: cheaper than a timer armed and cancelled for every request (BENCHMARKS.md, Ingress,
 * session 5), at the price of a close up to one sweep late. One instance per ingress verticle: its
 * connections, requests and sweep all run on that verticle's event loop, so nothing needs a lock.
 */
final class RequestDeadlines {

  private static final Logger LOG = LoggerFactory.getLogger(RequestDeadlines.class);
  private static final long MIN_SWEEP_MILLIS = 10;
  private static final long MAX_SWEEP_MILLIS = 1000;

  /** A connection's deadline; {@link #NONE} while a request has been read and its answer is not yet sent. */
  private static final class Deadline {
    static final long NONE = Long.MAX_VALUE;
    long at;
  }

  private final long timeoutNanos;
  private final Map<HttpConnection, Deadline> deadlines = new HashMap<>();

  RequestDeadlines(Vertx vertx, long timeoutMillis) {
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    long sweep = Math.max(MIN_SWEEP_MILLIS, Math.min(MAX_SWEEP_MILLIS, timeoutMillis / 4));
    vertx.setPeriodic(sweep, id -> sweep());
  }

  /** The first request's clock starts with the connection. */
  void opened(HttpConnection connection) {
    Deadline deadline = new Deadline();
    deadline.at = System.nanoTime() + timeoutNanos;
    deadlines.put(connection, deadline);
    connection.closeHandler(v -> deadlines.remove(connection));
  }

  /**
   * Stops the clock once this request has been read whole (the server's turn), and restarts it for the next
   * one when both the request is read and the response sent, whichever comes last. For a request served
   * without the router: it owns the response's end handler.
   */
  void track(HttpServerRequest request) {
    Deadline deadline = readWhole(request);
    if (deadline != null) {
      request.response().endHandler(sent -> answered(request, deadline));
    }
  }

  /** The same for a request the router serves: the routing context owns the response's end handler. */
  void track(RoutingContext ctx) {
    Deadline deadline = readWhole(ctx.request());
    if (deadline != null) {
      ctx.addEndHandler(sent -> {
        if (sent.succeeded()) {
          answered(ctx.request(), deadline);
        }
      });
    }
  }

  private Deadline readWhole(HttpServerRequest request) {
    Deadline deadline = deadlines.get(request.connection());
    if (deadline == null) {
      return null; // closed already
    }
    if (request.isEnded()) {
      deadline.at = Deadline.NONE;
    } else {
      request.end().onSuccess(read -> deadline.at = request.response().ended() ? next() : Deadline.NONE);
    }
    return deadline;
  }

  private void answered(HttpServerRequest request, Deadline deadline) {
    if (request.isEnded()) {
      deadline.at = next();
    }
  }

  private long next() {
    return System.nanoTime() + timeoutNanos;
  }

  private void sweep() {
    long now = System.nanoTime();
    List<HttpConnection> late = new ArrayList<>();
    deadlines.forEach((connection, deadline) -> {
      if (deadline.at != Deadline.NONE && now - deadline.at >= 0) {
        late.add(connection);
      }
    });
    for (HttpConnection connection : late) {
      deadlines.remove(connection);
      LOG.debug("closing connection from {}: no whole request within {} ms", connection.remoteAddress(),
          TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
      connection.close();
    }
  }
}
