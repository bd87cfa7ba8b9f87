package io.switchboard.api;

import java.util.List;

/** The attempts dispatch finished in one turn of its event loop, handed on as one message. */
public record FinishedAttempts(List<FinishedAttempt> attempts) {

  public FinishedAttempts {
    attempts = List.copyOf(attempts);
  }
}
