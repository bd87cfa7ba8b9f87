package io.switchboard.parser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Serializes an event once, in the member order SPEC section 5 fixes, with ISO-8601 UTC times to the
 * second ({@code 2025-06-08T20:59:43Z}).
 */
final class EventJson {

  private final ObjectWriter writer;

  EventJson(ObjectMapper mapper) {
    this.writer = mapper.writer();
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

  private static String iso(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
