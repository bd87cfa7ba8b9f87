package io.switchboard.api;

/**
 * Deletes an API-owned subscription. Its delivery log goes with it, so one that has a log is deleted only
 * with {@code purge}; without, the answer is 409 and nothing changes (disable it to keep the log).
 */
public record DeleteSubscription(long id, boolean purge) {}
