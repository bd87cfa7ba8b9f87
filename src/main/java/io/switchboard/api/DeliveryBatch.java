package io.switchboard.api;

import java.util.List;

/** The deliveries one claim leased. */
public record DeliveryBatch(List<DeliveryJob> jobs) {

  public DeliveryBatch {
    jobs = List.copyOf(jobs);
  }
}
