package io.switchboard.api;

import java.time.Instant;

/**
 * One page of raw inbound webhooks, newest first. Null filters match everything; {@code status} is the
 * outcome an operator sees ({@code received}, {@code processed}, {@code parse_error}, {@code invalid},
 * {@code refused}); {@code since}/{@code until} bound the receipt time; {@code beforeId} is the keyset cursor.
 */
public record FindWebhooks(String source, String status, Instant since, Instant until, int limit, Long beforeId) {

  public FindWebhooks {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
  }
}
