package io.switchboard.api;

/** Deletes deliveries (with their attempts) created more than {@code olderThanDays} ago; 0 means all matching. */
public record DeleteDeliveries(String phoneNumberId, int olderThanDays) {}
