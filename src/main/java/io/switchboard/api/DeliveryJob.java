package io.switchboard.api;

import java.time.Instant;

/**
 * A delivery leased to this instance: what to POST ({@code body}), to which subscription, and which attempt
 * this is. {@code leaseMillis} is how long the row stays leased from its commit; past it another instance
 * may claim it, so it must not be sent that late. {@code receivedAt}: when its event was received.
 * {@code sequenced}: it is the head of an ordered sequence (docs/ordering.md), which its failures hold back;
 * {@code firstTriedAt}: when such a head's first attempt started (null until it has one), from which the hold
 * limit counts.
 */
public record DeliveryJob(long deliveryId, long subscriptionId, String messageId, long inboundId, int attempt,
    long leaseMillis, Instant receivedAt, byte[] body, boolean sequenced, Instant firstTriedAt) {}
