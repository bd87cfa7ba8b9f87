package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig.Subscription;
import java.time.Instant;

/**
 * A subscription with its row id; {@code origin} says whether the config file or the API owns it. During a
 * secret rotation {@code previousSecret} still signs beside {@code spec.secret()} until {@code previousSecretUntil}.
 */
public record StoredSubscription(long id, String origin, Subscription spec, String previousSecret,
    Instant previousSecretUntil) {

  public StoredSubscription(long id, String origin, Subscription spec) {
    this(id, origin, spec, null, null);
  }
}
