package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds the {@code data} of {@code message.status.*} and change-level {@code message.error} events. */
final class StatusFields {

  private StatusFields() {
  }

  /** The provider's status verbatim; a status without one is "unknown" so the type stays well formed. */
  static String status(JsonNode status) {
    String value = Nodes.nonEmptyText(status.path("status"));
    return value != null ? value : "unknown";
  }

  static ObjectNode of(JsonNode status) {
    ObjectNode data = Nodes.object();
    data.put("status", status(status));
    data.put("message_id", Nodes.text(status.path("id")));
    data.put("recipient_id", Nodes.text(status.path("recipient_id")));
    for (String name : new String[] {"recipient_user_id", "conversation", "pricing", "errors",
        "biz_opaque_callback_data"}) {
      Nodes.putPresent(data, name, status.get(name));
    }
    data.set("raw", status);
    return data;
  }

  /** A change-level error: Meta reports with it that something in the change could not be delivered. */
  static ObjectNode error(JsonNode error) {
    ObjectNode data = Nodes.object();
    data.set("code", error.path("code").isMissingNode() ? null : error.get("code"));
    data.put("title", Nodes.text(error.path("title")));
    data.put("message", Nodes.text(error.path("message")));
    data.put("details", Nodes.text(error.path("error_data").path("details")));
    Nodes.putPresent(data, "href", error.get("href"));
    data.set("error", error);
    return data;
  }
}
