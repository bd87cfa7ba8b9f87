package io.switchboard.api;

import java.time.Duration;

/** Lease up to {@code limit} due deliveries of one subscription for {@code lease}, skipping rows others hold. */
public record ClaimDeliveries(long subscriptionId, int limit, Duration lease) {}
