package io.switchboard.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A raw inbound request that passed auth, to be committed before it is acknowledged. {@code invalidReason}
 * is set when the body is not JSON: it is kept for the operator but never classified. {@code acknowledged}:
 * already answered 200 (ack: immediate), so storage must queue it however far behind it is.
 */
public record StoreWebhook(String source, Instant receivedAt, String clientIp, byte[] body, String invalidReason,
    boolean acknowledged) {

  public StoreWebhook {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(body, "body");
  }

  public boolean valid() {
    return invalidReason == null;
  }
}
