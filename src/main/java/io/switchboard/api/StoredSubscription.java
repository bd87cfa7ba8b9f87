package io.switchboard.api;

import io.switchboard.config.SwitchboardConfig.Subscription;

/** A subscription with its row id; {@code origin} says whether the config file or the API owns it. */
public record StoredSubscription(long id, String origin, Subscription spec) {}
