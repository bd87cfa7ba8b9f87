package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the {@code data} of {@code message.received} and {@code message.echo} events: common header
 * fields first, then the kind-specific parts, then the untouched provider message.
 */
final class MessageFields {

  private MessageFields() {
  }

  /**
   * An inbound message; {@code contacts} is the change's contacts array (may be missing). {@code wa_id} and
   * {@code contact_name} keep their SPEC section 5 rule; {@code contact} is the 5.1 block, matched by either id.
   */
  static ObjectNode received(JsonNode message, JsonNode contacts) {
    ObjectNode data = header(message);
    String from = Nodes.text(message.path("from"));
    data.put("from", from);
    JsonNode contact = contactFor(from, contacts);
    String waId = Nodes.text(contact.path("wa_id"));
    data.put("wa_id", waId != null ? waId : from);
    data.put("contact_name", Nodes.text(contact.path("profile").path("name")));
    putPresent(data, message, "from_user_id", "from_parent_user_id", "group_id");
    Contact.resolve(contacts, sender(message), true).putInto(data);
    return body(message, data);
  }

  /** A message the business sent from the WhatsApp Business app, echoed to the API (smb_message_echoes). */
  static ObjectNode echo(JsonNode message, JsonNode contacts) {
    ObjectNode data = header(message);
    data.put("from", Nodes.text(message.path("from")));
    data.put("to", Nodes.text(message.path("to")));
    putPresent(data, message, "to_user_id", "to_parent_user_id", "group_id");
    // The business wrote it: the person an echo is about is its recipient.
    Contact.resolve(contacts, Contact.Ids.read(message, Contact.Side.TO), true).putInto(data);
    return body(message, data);
  }

  /** The provider's message type verbatim; a message without one is "unknown", as WhatsApp itself says. */
  static String kind(JsonNode message) {
    String kind = Nodes.nonEmptyText(message.path("type"));
    return kind != null ? kind : "unknown";
  }

  private static ObjectNode header(JsonNode message) {
    ObjectNode data = Nodes.object();
    data.put("kind", kind(message));
    data.put("message_id", Nodes.text(message.path("id")));
    return data;
  }

  private static ObjectNode body(JsonNode message, ObjectNode data) {
    MessageParts.add(kind(message), message, data);
    MessageParts.addCommon(message, data);
    data.set("message", message);
    return data;
  }

  /**
   * Who sent it: {@code from} and its business-scoped ids. A user_changed_user_id system message names
   * nobody but the user's new ids in {@code system}, so those stand in when the sender has no id at all.
   */
  private static Contact.Ids sender(JsonNode message) {
    Contact.Ids ids = Contact.Ids.read(message, Contact.Side.FROM);
    if (ids.phone() != null || ids.userId() != null || !message.path("system").isObject()) {
      return ids;
    }
    JsonNode system = message.path("system");
    return new Contact.Ids(Nodes.text(system.path("wa_id")), Nodes.text(system.path("user_id")),
        Nodes.text(system.path("parent_user_id")));
  }

  private static void putPresent(ObjectNode data, JsonNode message, String... names) {
    for (String name : names) {
      Nodes.putPresent(data, name, message.get(name));
    }
  }

  /** The sender's contact: the one whose wa_id matches, else the first (Meta sends one per sender). */
  private static JsonNode contactFor(String from, JsonNode contacts) {
    if (!contacts.isArray() || contacts.isEmpty()) {
      return Nodes.object();
    }
    if (from != null) {
      for (JsonNode contact : contacts) {
        if (from.equals(Nodes.text(contact.path("wa_id")))) {
          return contact;
        }
      }
    }
    return contacts.get(0);
  }
}
