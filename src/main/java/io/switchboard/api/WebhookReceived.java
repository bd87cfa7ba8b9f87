package io.switchboard.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A raw inbound webhook that is committed to Postgres (row {@code inboundId}) and waits to be classified.
 * The body is the exact bytes the provider sent; nobody mutates the array once the record exists.
 */
public record WebhookReceived(long inboundId, String source, Instant receivedAt, byte[] body) {

  public WebhookReceived {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(body, "body");
  }
}
