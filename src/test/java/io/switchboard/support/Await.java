package io.switchboard.support;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting in tests without fixed sleeps: block the JUnit thread on a future, or poll a condition to a deadline. */
public final class Await {

  private Await() {}

  public static <T> T result(Future<T> future) {
    return result(future, Duration.ofSeconds(30));
  }

  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete: " + e, e);
    }
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(20); // polling interval, not a synchronisation: the condition decides
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
