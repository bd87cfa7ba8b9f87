package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ClassifiedWebhook;
import io.switchboard.api.NormalizedEvent;
import io.switchboard.api.WebhookReceived;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Minimal classifier (messages and statuses); the full one replaces it. */
public final class WebhookClassifier {

  private final ObjectMapper mapper = new ObjectMapper();

  public ClassifiedWebhook classify(WebhookReceived webhook) {
    List<NormalizedEvent> events = new ArrayList<>();
    try {
      JsonNode root = mapper.readTree(webhook.body());
      for (JsonNode entry : root.path("entry")) {
        for (JsonNode change : entry.path("changes")) {
          JsonNode value = change.path("value");
          for (JsonNode m : value.path("messages")) {
            events.add(event(webhook, "message.received", "message:" + m.path("id").asText(), entry, value, m));
          }
          for (JsonNode s : value.path("statuses")) {
            events.add(event(webhook, "message.status." + s.path("status").asText(),
                "status:" + s.path("id").asText() + ":" + s.path("status").asText(), entry, value, s));
          }
        }
      }
      return new ClassifiedWebhook(webhook.inboundId(), webhook.source(), events, List.of());
    } catch (Exception e) {
      return new ClassifiedWebhook(webhook.inboundId(), webhook.source(), List.of(), List.of(e.getMessage()));
    }
  }

  private NormalizedEvent event(WebhookReceived w, String type, String identity, JsonNode entry, JsonNode value,
      JsonNode item) throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256")
        .digest((w.source() + "\u0000" + identity).getBytes(StandardCharsets.UTF_8));
    String id = "evt_" + HexFormat.of().formatHex(hash).substring(0, 32);
    ObjectNode json = mapper.createObjectNode().put("id", id).put("type", type).put("source", w.source())
        .put("occurred_at", w.receivedAt().toString()).put("received_at", w.receivedAt().toString())
        .put("waba_id", entry.path("id").asText(null))
        .put("phone_number_id", value.path("metadata").path("phone_number_id").asText(null))
        .put("display_phone_number", value.path("metadata").path("display_phone_number").asText(null))
        .put("inbound_id", w.inboundId());
    ObjectNode data = json.putObject("data");
    data.put("kind", item.path("type").asText(null));
    data.set("message", item);
    return new NormalizedEvent(id, type, w.source(), w.receivedAt(), w.receivedAt(), entry.path("id").asText(null),
        value.path("metadata").path("phone_number_id").asText(null), null, w.inboundId(),
        mapper.writeValueAsString(json));
  }
}
