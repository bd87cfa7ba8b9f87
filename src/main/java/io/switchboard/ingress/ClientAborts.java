package io.switchboard.ingress;

import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request bodies broken off, by a client that hung up or sent a chunk Netty cannot parse (Vert.x then closes
 * the connection, so there is no one to answer): normal on the internet, and cheap for anyone to repeat, so
 * the log gets one line per minute saying how many, never a stack trace per request. One instance per ingress verticle
 * (its event loop only).
 */
final class ClientAborts {

  private static final Logger LOG = LoggerFactory.getLogger(ClientAborts.class);
  private static final long EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private long unreported;
  private long lastReport = System.nanoTime() - EVERY_NANOS;

  void record(HttpServerRequest request, Throwable cause) {
    unreported++;
    long now = System.nanoTime();
    if (now - lastReport >= EVERY_NANOS) {
      LOG.info("{} request(s) broken off mid-body (client hung up or sent a malformed chunk) since the last such "
          + "line (one a minute at most); latest {} {} from {}: {}", unreported, request.method(),
          request.path(), WebhookHandler.clientIp(request), cause.getMessage());
      unreported = 0;
      lastReport = now;
    }
  }
}
