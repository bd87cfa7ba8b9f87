package io.switchboard.ingress;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request passes before a route sees it, and the answers for what Vert.x itself refuses: one
 * {@code {code, detail}} body, {@code nosniff}, and never the request's URI in a detail or a log line
 * unredacted (a verification GET carries {@code hub.verify_token}).
 */
final class RequestChecks {

  private static final Logger LOG = LoggerFactory.getLogger(RequestChecks.class);
  static final String NOSNIFF = "nosniff";
  /** Query parameter names whose values are secrets: tokens, keys, signatures, passwords. */
  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(token|secret|key|sig|pass|auth|credential|code).*");

  private RequestChecks() {}

  /**
   * The first handler on every route. A malformed %-escape would make Vert.x's decoders throw (a 500 with
   * the URI in the log), and a NUL decoded from one reaches Postgres, which refuses it: both are the
   * client's mistake, answered 400 here once and for all.
   */
  static void check(RoutingContext ctx) {
    ctx.response().putHeader("x-content-type-options", NOSNIFF);
    String problem = uriProblem(ctx.request().uri());
    if (problem != null) {
      LOG.debug("refused {} {}: {}", ctx.request().method(), redactedUri(ctx.request().uri()), problem);
      Errors.send(ctx, 400, "bad_request", problem);
    } else {
      ctx.next();
    }
  }

  /** Why the raw URI cannot be decoded safely, or null: each % must start a hex pair, none may be a control. */
  static String uriProblem(String uri) {
    for (int i = 0; i < uri.length(); i++) {
      int c = uri.charAt(i);
      if (c == '%') {
        int high = i + 1 < uri.length() ? hex(uri.charAt(i + 1)) : -1;
        int low = i + 2 < uri.length() ? hex(uri.charAt(i + 2)) : -1;
        if (high < 0 || low < 0) {
          return "the URL has a malformed %-escape at character " + i + " (expected % and two hex digits)";
        }
        c = high * 16 + low;
        i += 2;
      }
      if (c < 0x20 || c == 0x7f) {
        return "the URL holds a control character (NUL, CR, LF, …), which no id, filter or token may contain";
      }
    }
    return null;
  }

  /** ASCII hex only: Character.digit would take other scripts' digits, which no decoder here accepts. */
  private static int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  /** The URI with the value of every secret-looking query parameter replaced; safe to log. */
  static String redactedUri(String uri) {
    int query = uri.indexOf('?');
    if (query < 0) {
      return uri;
    }
    StringBuilder shown = new StringBuilder(uri.substring(0, query + 1));
    String[] pairs = uri.substring(query + 1).split("&", -1);
    for (int i = 0; i < pairs.length; i++) {
      int eq = pairs[i].indexOf('=');
      String name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
      boolean secret = eq >= 0 && SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
      shown.append(i == 0 ? "" : "&").append(secret ? name + "=[redacted]" : pairs[i]);
    }
    return shown.toString();
  }

  /** Vert.x answers 400 for what it cannot parse in routing; the exception's text may hold the URI. */
  static void badRequest(RoutingContext ctx) {
    LOG.debug("refused {} {}: unreadable request", ctx.request().method(), redactedUri(ctx.request().uri()));
    Errors.send(ctx, 400, "bad_request", "the request could not be read");
  }

  /** A bug, not a client mistake: one line with the stack trace, the URI redacted. */
  static void unexpected(RoutingContext ctx) {
    unexpected(ctx.request(), ctx.failure());
  }

  static void unexpected(HttpServerRequest request, Throwable failure) {
    LOG.error("unexpected error on {} {}", request.method(), redactedUri(request.uri()), failure);
    Errors.send(request.response(), 500, "internal_error", "unexpected error; see the logs");
  }

  /** 417 for an {@code Expect} other than {@code 100-continue}. */
  static void expectationFailed(HttpServerResponse response) {
    Errors.send(response, 417, "expectation_failed", "only Expect: 100-continue is understood");
  }

  /**
   * What Netty's decoder refused (an over-long request line or header, a bad chunk, a malformed
   * Content-Length), answered as Vert.x's default does but in the API's shape; the connection closes after.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414
        : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String detail = status == 414 ? "the request line is too long" : status == 431 ? "the headers are too large"
        : "the request is not valid HTTP/1.1";
    HttpServerResponse response = request.response().setStatusCode(status)
        .putHeader("content-type", "application/json").putHeader("x-content-type-options", NOSNIFF)
        .putHeader("connection", "close");
    response.end(Errors.body("bad_request", detail).toBuffer()).onComplete(done -> request.connection().close());
  }
}
