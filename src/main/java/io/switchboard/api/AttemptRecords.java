package io.switchboard.api;

import java.util.List;

/** Attempts to log, each moving its delivery on; storage group-commits them. */
public record AttemptRecords(List<AttemptRecord> attempts) {

  public AttemptRecords {
    attempts = List.copyOf(attempts);
  }
}
