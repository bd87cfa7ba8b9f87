package io.switchboard.api;

/** Deletes deliveries (their attempts cascade) created more than {@code olderThanDays} ago; 0 means all matching. */
public record DeleteDeliveries(String phoneNumberId, int olderThanDays) {}
