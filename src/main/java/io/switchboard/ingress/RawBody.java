package io.switchboard.ingress;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body as the bytes that came, whatever the content type says. Vert.x's BodyHandler
 * form-decodes {@code application/x-www-form-urlencoded} (curl's default), which refused some provider
 * payloads before their signature was even checked; a webhook's signature covers the raw bytes, so raw bytes
 * are all this keeps. Over {@code limit} is refused with 413 (the route fails, or {@link #read}'s Future does, on the
 * path served without the router); a body broken off (the client hung up,
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
    read(ctx.request(), limit, aborts).onSuccess(body -> {
      ctx.put(KEY, body);
      ctx.next();
    }).onFailure(e -> ctx.fail(((Refused) e).status));
  }

  /** Why a body was not read: 413 (over the limit) or 417 (an Expect other than 100-continue). */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status) {
      super("refused with " + status, null, false, false);
      this.status = status;
    }
  }

  /**
   * The request's body, or a {@link Refused} failure; never completes for a body broken off (the connection
   * is gone, nobody is owed an answer). Its handlers must be set before the request handler returns.
   */
  static Future<Buffer> read(HttpServerRequest request, long limit, ClientAborts aborts) {
    long declared = declaredLength(request);
    if (declared > limit) {
      return Future.failedFuture(new Refused(413));
    }
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
      return Future.failedFuture(new Refused(417));
    }
    if (request.isEnded()) {
      return Future.succeededFuture(Buffer.buffer());
    }
    if (expect != null && request.version() != HttpVersion.HTTP_1_0) {
      request.response().writeContinue(); // curl asks before sending a larger body, and waits a second without it
    }
    Buffer body = Buffer.buffer((int) Math.max(0, Math.min(declared, limit)));
    Promise<Buffer> read = Promise.promise();
    request.exceptionHandler(e -> aborts.record(request, e));
    request.handler(chunk -> {
      if (read.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        read.fail(new Refused(413));
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> read.tryComplete(body));
    return read.future();
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
