package io.switchboard.api;

/**
 * One event (or, for {@code raw} subscriptions, one whole inbound body) owed to one subscription.
 * {@code messageId} is the Standard Webhooks {@code webhook-id}: the event id, or {@code raw_<inboundId>}.
 */
public record PlannedDelivery(long subscriptionId, String messageId, String eventType, String phoneNumberId) {}
