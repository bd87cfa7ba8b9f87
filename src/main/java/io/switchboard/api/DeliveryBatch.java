package io.switchboard.api;

import java.util.List;

/** Deliveries leased to this instance, with their bodies: a fresh batch's first attempts, or a claim's due work. */
public record DeliveryBatch(List<DeliveryJob> jobs) {

  public DeliveryBatch {
    jobs = List.copyOf(jobs);
  }
}
