package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Builds the {@code data} of {@code call.*} events (field {@code calls}, SPEC section 5.1): one per call
 * item, call status and change-level error, each with the call id and the person on the other end.
 */
final class CallFields {

  private CallFields() {
  }

  /** {@code call.<event>}: the item's {@code event} in lower case; "unknown" keeps the type well formed. */
  static String callType(JsonNode call) {
    return "call." + lowerOrUnknown(call.path("event"));
  }

  /** {@code call.status.<status>} in lower case (Meta sends RINGING, ACCEPTED, REJECTED). */
  static String statusType(JsonNode status) {
    return "call.status." + lowerOrUnknown(status.path("status"));
  }

  /** A call item as given (the SDP included) under {@code call}, with its id, event, direction and status first. */
  static ObjectNode call(JsonNode call, JsonNode contacts) {
    ObjectNode data = Nodes.object();
    data.put("call_id", Nodes.text(call.path("id")));
    data.put("event", Nodes.text(call.path("event")));
    data.put("direction", Nodes.text(call.path("direction")));
    data.put("status", Nodes.text(call.path("status")));
    data.put("from", Nodes.text(call.path("from")));
    data.put("to", Nodes.text(call.path("to")));
    Nodes.putPresent(data, "biz_opaque_callback_data", call.get("biz_opaque_callback_data"));
    Contact.resolve(contacts, user(call), true).putInto(data);
    data.set("call", call);
    return data;
  }

  /** A call status (ringing, accepted, rejected), about the user the business called. */
  static ObjectNode status(JsonNode status, JsonNode contacts) {
    ObjectNode data = Nodes.object();
    data.put("call_id", Nodes.text(status.path("id")));
    data.put("status", Nodes.text(status.path("status")));
    data.put("recipient_id", Nodes.text(status.path("recipient_id")));
    Nodes.putPresent(data, "recipient_user_id", status.get("recipient_user_id"));
    Nodes.putPresent(data, "recipient_parent_user_id", status.get("recipient_parent_user_id"));
    Nodes.putPresent(data, "biz_opaque_callback_data", status.get("biz_opaque_callback_data"));
    Contact.resolve(contacts, Contact.Ids.read(status, Contact.Side.RECIPIENT), true).putInto(data);
    data.set("raw", status);
    return data;
  }

  /**
   * A change-level error of a calls change. Meta sends it beside the call it is about (a terminate that
   * failed), so when the change holds exactly one call its id and user are the error's; otherwise null.
   */
  static ObjectNode error(JsonNode error, JsonNode value) {
    JsonNode only = onlyCall(value);
    ObjectNode data = Nodes.object();
    data.put("call_id", only == null ? null : Nodes.text(only.path("id")));
    data.setAll(StatusFields.error(error));
    Contact.Ids ids = only == null ? Contact.Ids.NONE : user(only);
    Contact.resolve(value.path("contacts"), ids, true).putInto(data);
    return data;
  }

  // The user's side of a call: the callee when the business called, else the caller (recordings have no direction).
  private static Contact.Ids user(JsonNode call) {
    return "BUSINESS_INITIATED".equals(Nodes.text(call.path("direction")))
        ? Contact.Ids.read(call, Contact.Side.TO)
        : Contact.Ids.read(call, Contact.Side.FROM);
  }

  private static JsonNode onlyCall(JsonNode value) {
    JsonNode calls = value.path("calls");
    return calls.isArray() && calls.size() == 1 && calls.get(0).isObject() ? calls.get(0) : null;
  }

  private static String lowerOrUnknown(JsonNode member) {
    String text = Nodes.nonEmptyText(member);
    return text != null ? text.toLowerCase(Locale.ROOT) : "unknown";
  }
}
