package io.switchboard.ingress;

import io.switchboard.api.ReplyCodes;
import io.switchboard.config.Suggestions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading management API requests (typed parameters, 400 on a bad one) and writing its answers in one
 * envelope: {@code {"data": …}}, lists adding {@code next_cursor}, errors {@code {code, detail}}.
 */
final class ApiRequests {

  private static final Logger LOG = LoggerFactory.getLogger(ApiRequests.class);
  static final Set<String> STATUSES = Set.of("pending", "succeeded", "failed", "expired", "superseded");

  /** A request the caller got wrong: answered 400 with the message as detail. */
  static final class BadParameter extends RuntimeException {
    BadParameter(String message) {
      super(message, null, false, false);
    }
  }

  private ApiRequests() {}

  static String text(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  static int integer(String name, String value, int fallback, int min, int max) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int number = Integer.parseInt(value.trim());
      if (number < min || number > max) {
        throw new BadParameter(name + " must be between " + min + " and " + max + " (got " + number + ")");
      }
      return number;
    } catch (NumberFormatException e) {
      throw new BadParameter(name + " must be a whole number (got '" + value + "')");
    }
  }

  static long id(RoutingContext ctx, String name) {
    String value = ctx.pathParam(name);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new BadParameter(name + " must be a numeric id (got '" + value + "')");
    }
  }

  static String status(String value) {
    if (value != null && !STATUSES.contains(value)) {
      throw new BadParameter("status must be one of pending, succeeded, failed, expired, superseded (got '" + value + "')");
    }
    return value;
  }

  /** ISO-8601 with an offset ({@code 2025-06-08T20:59:43Z}); null stays null. */
  static Instant instant(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value.trim()).toInstant();
    } catch (DateTimeParseException e) {
      throw new BadParameter(name + " must be an ISO-8601 timestamp like 2025-06-08T20:59:43Z (got '" + value + "')");
    }
  }

  /**
   * The JSON object body, or an empty one when there is none; read whatever the content type says (curl's
   * default is a form). Postgres cannot store a NUL in text or jsonb, so one anywhere is refused here.
   */
  static JsonObject body(RoutingContext ctx) {
    Buffer raw = RawBody.of(ctx);
    if (raw.length() == 0) {
      return new JsonObject();
    }
    Object body;
    try {
      body = Json.decodeValue(raw);
    } catch (DecodeException e) {
      throw new BadParameter("the body must be a JSON object");
    }
    if (!(body instanceof JsonObject object)) {
      throw new BadParameter("the body must be a JSON object");
    }
    String nul = nulAt(object, "");
    if (nul != null) {
      throw new BadParameter(nul + " holds a NUL character (\\u0000), which cannot be stored");
    }
    return object;
  }

  /** The path of the first key or string holding U+0000, or null. */
  private static String nulAt(Object value, String path) {
    if (value instanceof String text) {
      return text.indexOf('\0') >= 0 ? (path.isEmpty() ? "the body" : path) : null;
    }
    Iterable<?> children = value instanceof JsonObject o ? o : value instanceof JsonArray a ? a : List.of();
    int index = 0;
    for (Object child : children) {
      String at;
      if (child instanceof Map.Entry<?, ?> entry) {
        String key = String.valueOf(entry.getKey());
        String keyPath = path.isEmpty() ? key : path + "." + key;
        at = key.indexOf('\0') >= 0 ? "a key" : nulAt(entry.getValue(), keyPath);
      } else {
        at = nulAt(child, path + "[" + index + "]");
      }
      if (at != null) {
        return at;
      }
      index++;
    }
    return null;
  }

  /** A string field, or null when absent; any other JSON type is the caller's mistake. */
  static String string(JsonObject body, String name) {
    Object value = body.getValue(name);
    if (value != null && !(value instanceof String)) {
      throw new BadParameter(name + " must be a string");
    }
    return (String) value;
  }

  /**
   * The body, refused if it carries a field the route does not take: a typo ({@code {"stauts": …}}) would
   * otherwise be ignored and the call do something else than asked (replay every failed delivery).
   */
  static JsonObject body(RoutingContext ctx, Set<String> fields) {
    JsonObject body = body(ctx);
    for (String field : new java.util.TreeSet<>(body.fieldNames())) {
      if (!fields.contains(field)) {
        String hint = Suggestions.didYouMean(field, fields);
        throw new BadParameter("unknown field '" + field + "'"
            + (hint.isEmpty() ? " (expected one of " + new java.util.TreeSet<>(fields) + ")" : hint));
      }
    }
    return body;
  }

  /** Runs a handler so that a {@link BadParameter} thrown while reading the request becomes a 400. */
  static void handle(RoutingContext ctx, Supplier<Future<?>> handler) {
    try {
      handler.get().onSuccess(data -> ok(ctx, data)).onFailure(e -> fail(ctx, e));
    } catch (BadParameter e) {
      fail(ctx, e);
    }
  }

  /** A JsonObject that already has {@code data} (a page) goes out as is; anything else is wrapped. */
  static void ok(RoutingContext ctx, Object data) {
    if (ctx.response().ended()) {
      return;
    }
    JsonObject body = data instanceof JsonObject page && page.containsKey("data") && page.containsKey("next_cursor")
        ? page
        : new JsonObject().put("data", data);
    ctx.response().putHeader("content-type", "application/json").end(body.toBuffer());
  }

  /** Storage's own text (Postgres's error, bus addresses) goes to the log once, never to the caller. */
  static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof BadParameter) {
      Errors.send(ctx, 400, "bad_parameter", e.getMessage());
    } else if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      switch (reply.failureCode()) {
        case ReplyCodes.BAD_REQUEST -> Errors.send(ctx, 400, "bad_parameter", reply.getMessage());
        case ReplyCodes.NOT_FOUND -> Errors.send(ctx, 404, "not_found", reply.getMessage());
        case ReplyCodes.CONFLICT -> Errors.send(ctx, 409, "conflict", reply.getMessage());
        default -> unavailable(ctx, "storage_unavailable", "storage could not answer; retry later", e);
      }
    } else {
      unavailable(ctx, "unavailable", "the request could not be completed; retry later", e);
    }
  }

  private static void unavailable(RoutingContext ctx, String code, String detail, Throwable e) {
    LOG.warn("management request {} {} answered 503: {}", ctx.request().method(),
        RequestChecks.redactedUri(ctx.request().uri()), e.getMessage());
    Errors.send(ctx, 503, code, detail);
  }
}
