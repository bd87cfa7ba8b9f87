package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig.Subscription;
import java.util.Objects;

/** Creates ({@code id} null) or replaces an API-owned subscription; config-owned ones are refused with 409. */
public record SaveSubscription(Long id, Subscription spec) {

  public SaveSubscription {
    Objects.requireNonNull(spec, "spec");
  }
}
