package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** Reads WhatsApp's unix-seconds timestamps, sent as strings ("1673033070") or numbers (entry.time). */
final class Timestamps {

  // Year 9999: anything later is not a real timestamp and would not print as plain ISO-8601.
  private static final long MAX_SECONDS = 253_402_300_799L;

  private Timestamps() {
  }

  /** The instant, or null when the value is missing, not a whole number, or out of range. */
  static Instant read(JsonNode node) {
    if (node == null) {
      return null;
    }
    long seconds;
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      seconds = node.longValue();
    } else if (node.isTextual() && isDigits(node.textValue())) {
      seconds = Long.parseLong(node.textValue());
    } else {
      return null;
    }
    return seconds >= 0 && seconds <= MAX_SECONDS ? Instant.ofEpochSecond(seconds) : null;
  }

  private static boolean isDigits(String text) {
    // 12 digits already pass year 9999, so longer strings never need parsing.
    if (text.isEmpty() || text.length() > 12) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
