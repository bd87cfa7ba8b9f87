package io.switchboard.api;

/** Delivery counts and attempt latency for deliveries created in the last {@code days}, optionally for one number. */
public record SummarizeDeliveries(String phoneNumberId, int days) {}
