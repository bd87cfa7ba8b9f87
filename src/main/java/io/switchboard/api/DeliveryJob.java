package io.switchboard.api;

/** A leased delivery: what to POST ({@code body}), to which subscription, and which attempt this is. */
public record DeliveryJob(long deliveryId, long subscriptionId, String messageId, long inboundId, int attempt, byte[] body) {}
