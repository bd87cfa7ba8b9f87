package io.switchboard.ingress;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body as the bytes that came, whatever the content type says. Vert.x's BodyHandler
 * form-decodes {@code application/x-www-form-urlencoded} (curl's default), which refused some provider
 * payloads before their signature was even checked; a webhook's signature covers the raw bytes, so raw bytes
 * are all this keeps. Over {@code limit} fails the route with 413; a body broken off (the client hung up,
 * or sent a chunk Netty cannot parse, after which Vert.x closes the connection) only counts in
 * {@link ClientAborts}.
 */
final class RawBody implements Handler<RoutingContext> {

  private static final String KEY = "switchboard.rawBody";

  private final long limit;
  private final ClientAborts aborts;

  RawBody(long limit, ClientAborts aborts) {
    this.limit = limit;
    this.aborts = aborts;
  }

  /** The bytes read for this request; empty when it had no body. */
  static Buffer of(RoutingContext ctx) {
    Buffer body = ctx.get(KEY);
    return body == null ? Buffer.buffer() : body;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long declared = declaredLength(request);
    if (declared > limit) {
      ctx.fail(413);
      return;
    }
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
      ctx.fail(417);
      return;
    }
    if (request.isEnded()) {
      ctx.next();
      return;
    }
    if (expect != null && request.version() != HttpVersion.HTTP_1_0) {
      ctx.response().writeContinue(); // curl asks before sending a larger body, and waits a second without it
    }
    Buffer body = Buffer.buffer((int) Math.max(0, Math.min(declared, limit)));
    request.exceptionHandler(e -> aborts.record(ctx, e));
    request.handler(chunk -> {
      if (!ctx.failed() && body.length() + chunk.length() > limit) {
        ctx.fail(413);
      } else if (!ctx.failed()) {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> {
      if (!ctx.failed()) {
        ctx.put(KEY, body);
        ctx.next();
      }
    });
  }

  private static long declaredLength(HttpServerRequest request) {
    try {
      String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
      return length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1; // Netty has refused a malformed Content-Length before the router sees it
    }
  }
}
