package io.switchboard.api;

import java.util.List;

/** The inbound bodies whose outcome (with their events and deliveries) just committed. */
public record OutcomesRecorded(List<Long> inboundIds) {

  public OutcomesRecorded {
    inboundIds = List.copyOf(inboundIds);
  }
}
