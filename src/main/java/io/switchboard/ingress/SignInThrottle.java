package io.switchboard.ingress;

import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Slows down guessing of an admin key: after {@value #FAILURES_PER_MINUTE} wrong keys from one address within a
 * minute, that address is refused (429) until the minute is over, right key or not. One for all ingress instances,
 * which connections are spread over.
 */
public final class SignInThrottle {

  static final int FAILURES_PER_MINUTE = 10;
  private static final long WINDOW_MILLIS = 60_000;
  private static final int MAX_ADDRESSES = 10_000;

  /** Per address: the start of its window and the failures in it. */
  private final Map<String, long[]> failures = new HashMap<>();

  /** Seconds until the address may try again, or 0 when it may now. */
  private synchronized long retryAfterSeconds(String address, long nowMillis) {
    long[] window = failures.get(address);
    if (window == null || nowMillis - window[0] >= WINDOW_MILLIS) {
      return 0;
    }
    return window[1] >= FAILURES_PER_MINUTE ? Math.max(1, (window[0] + WINDOW_MILLIS - nowMillis + 999) / 1000) : 0;
  }

  private synchronized void failed(String address, long nowMillis) {
    if (failures.size() >= MAX_ADDRESSES) {
      failures.clear(); // a flood of addresses: forget them all rather than grow without bound
    }
    long[] window = failures.get(address);
    if (window == null || nowMillis - window[0] >= WINDOW_MILLIS) {
      failures.put(address, new long[] {nowMillis, 1});
    } else {
      window[1]++;
    }
  }

  /** Answers 429 with Retry-After, and says so, when the request's address must wait. */
  boolean refuse(RoutingContext ctx) {
    long wait = retryAfterSeconds(ctx.request().remoteAddress().hostAddress(), System.currentTimeMillis());
    if (wait == 0) {
      return false;
    }
    ctx.response().putHeader("retry-after", Long.toString(wait));
    Errors.send(ctx, 429, "too_many_attempts", "too many wrong keys from this address; try again in " + wait + " s");
    return true;
  }

  void failed(RoutingContext ctx) {
    failed(ctx.request().remoteAddress().hostAddress(), System.currentTimeMillis());
  }
}
