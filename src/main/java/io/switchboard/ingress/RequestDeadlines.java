package io.switchboard.ingress;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code http.requestReadTimeout}: once a connection opens, or its last response is sent, the next request
 * must arrive whole (headers and body) in time, or the connection is closed. An idle timeout alone cannot
 * catch a client that sends one byte every few seconds. One instance per ingress verticle: its connections,
 * requests and timers all run on that verticle's event loop, so the map needs no lock.
 */
final class RequestDeadlines {

  private static final Logger LOG = LoggerFactory.getLogger(RequestDeadlines.class);

  private final Vertx vertx;
  private final long timeoutMillis;
  private final Map<HttpConnection, Long> timers = new HashMap<>();

  RequestDeadlines(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
  }

  /** The first request's clock starts with the connection. */
  void opened(HttpConnection connection) {
    arm(connection);
    connection.closeHandler(v -> cancel(connection));
  }

  /**
   * Stops the clock once this request has been read whole (the server's turn), and restarts it for the next
   * one when both the request is read and the response sent, whichever comes last.
   */
  void track(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpConnection connection = request.connection();
    if (request.isEnded()) {
      cancel(connection);
    } else {
      request.end().onSuccess(read -> {
        cancel(connection);
        if (ctx.response().ended()) {
          arm(connection);
        }
      });
    }
    ctx.addEndHandler(sent -> {
      if (sent.succeeded() && request.isEnded()) {
        arm(connection);
      }
    });
  }

  private void arm(HttpConnection connection) {
    cancel(connection);
    timers.put(connection, vertx.setTimer(timeoutMillis, id -> expire(connection)));
  }

  private void cancel(HttpConnection connection) {
    Long timer = timers.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  private void expire(HttpConnection connection) {
    timers.remove(connection);
    LOG.debug("closing connection from {}: no whole request within {} ms", connection.remoteAddress(), timeoutMillis);
    connection.close();
  }
}
