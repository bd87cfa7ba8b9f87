package io.switchboard.api;

import java.util.Objects;

/** Asks for one row by its id: a delivery, event, inbound webhook or subscription, depending on the address. */
public record Lookup(String id) {

  public Lookup {
    Objects.requireNonNull(id, "id");
  }

  public static Lookup of(long id) {
    return new Lookup(Long.toString(id));
  }

  /** The id as a number, for the tables keyed by bigserial; callers check it parses before asking. */
  public long number() {
    return Long.parseLong(id);
  }
}
