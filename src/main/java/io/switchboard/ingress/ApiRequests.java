package io.switchboard.ingress;

import io.switchboard.api.ReplyCodes;
import io.switchboard.config.Suggestions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reading management API requests (typed parameters, 400 on a bad one) and writing its answers in one
 * envelope: {@code {"data": …}}, lists adding {@code next_cursor}, errors {@code {code, detail}}.
 */
final class ApiRequests {

  static final Set<String> STATUSES = Set.of("pending", "succeeded", "failed", "expired");

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
      throw new BadParameter("status must be one of pending, succeeded, failed, expired (got '" + value + "')");
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

  /** The JSON object body, or an empty one when there is none. */
  static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().buffer().length() == 0) {
      return new JsonObject();
    }
    try {
      JsonObject body = ctx.body().asJsonObject();
      return body == null ? new JsonObject() : body;
    } catch (DecodeException | ClassCastException e) {
      throw new BadParameter("the body must be a JSON object");
    }
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

  static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof BadParameter) {
      Errors.send(ctx, 400, "bad_parameter", e.getMessage());
    } else if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      switch (reply.failureCode()) {
        case ReplyCodes.BAD_REQUEST -> Errors.send(ctx, 400, "bad_parameter", reply.getMessage());
        case ReplyCodes.NOT_FOUND -> Errors.send(ctx, 404, "not_found", reply.getMessage());
        case ReplyCodes.CONFLICT -> Errors.send(ctx, 409, "conflict", reply.getMessage());
        default -> Errors.send(ctx, 503, "storage_unavailable", "storage could not answer: " + reply.getMessage());
      }
    } else {
      Errors.send(ctx, 503, "unavailable", "the request could not be completed: " + e.getMessage());
    }
  }
}
