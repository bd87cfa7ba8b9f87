package io.switchboard.storage;

import io.switchboard.api.ReplyCodes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.function.Function;

/** Answers a bus request from a Future: expected refusals keep their code (404, 409), anything else is 503. */
final class Replies {

  private Replies() {}

  static <T, R> void answer(Message<T> message, Function<T, Future<R>> handler) {
    Future<R> result;
    try {
      result = handler.apply(message.body());
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(message::reply).onFailure(e -> {
      if (e instanceof ReplyException refusal && refusal.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        message.fail(refusal.failureCode(), refusal.getMessage());
      } else {
        message.fail(ReplyCodes.STORAGE_UNAVAILABLE, String.valueOf(e.getMessage()));
      }
    });
  }

  static <T> Future<T> notFound(String what) {
    return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, ReplyCodes.NOT_FOUND, what));
  }

  static <T> Future<T> conflict(String why) {
    return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, ReplyCodes.CONFLICT, why));
  }
}
