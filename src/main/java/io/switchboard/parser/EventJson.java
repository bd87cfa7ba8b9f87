package io.switchboard.parser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Serializes an event once, in the member order SPEC section 5 fixes, with ISO-8601 UTC times to the
 * second ({@code 2025-06-08T20:59:43Z}).
 */
final class EventJson {

  private final ObjectWriter writer;

  EventJson(ObjectMapper mapper) {
    // Typed writer: the root serializer is resolved once, not looked up for every event.
    this.writer = mapper.writerFor(JsonNode.class);
  }

  record Envelope(String id, String type, String source, Instant occurredAt, Instant receivedAt,
                  String wabaId, String phoneNumberId, String displayPhoneNumber, long inboundId) {
  }

  String write(Envelope e, ObjectNode data) {
    ObjectNode event = Nodes.object();
    event.put("id", e.id());
    event.put("type", e.type());
    event.put("source", e.source());
    event.put("occurred_at", iso(e.occurredAt()));
    event.put("received_at", iso(e.receivedAt()));
    event.put("waba_id", e.wabaId());
    event.put("phone_number_id", e.phoneNumberId());
    event.put("display_phone_number", e.displayPhoneNumber());
    event.put("inbound_id", e.inboundId());
    event.set("data", data);
    try {
      return writer.writeValueAsString(event);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("cannot serialize event " + e.id(), ex);
    }
  }

  /**
   * ISO-8601 UTC to the second. Hand-rolled because {@code Instant.toString} goes through the general
   * DateTimeFormatter, which showed in the parser benchmark; years are 0000-9999 by construction.
   */
  static String iso(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
    char[] out = "0000-00-00T00:00:00Z".toCharArray();
    digits(out, 0, t.getYear(), 4);
    digits(out, 5, t.getMonthValue(), 2);
    digits(out, 8, t.getDayOfMonth(), 2);
    digits(out, 11, t.getHour(), 2);
    digits(out, 14, t.getMinute(), 2);
    digits(out, 17, t.getSecond(), 2);
    return new String(out);
  }

  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
