package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds the {@code data} of {@code message.status.*} and change-level {@code message.error} events. */
final class StatusFields {

  // Members copied when sent, in this order; recipient_id is always written, these only when present.
  private static final String[] PASSED_THROUGH = {"recipient_user_id", "recipient_parent_user_id",
      "recipient_type", "recipient_participant_id", "recipient_participant_user_id",
      "recipient_participant_parent_user_id", "conversation", "pricing", "errors", "biz_opaque_callback_data"};

  private StatusFields() {
  }

  /** The provider's status verbatim; a status without one is "unknown" so the type stays well formed. */
  static String status(JsonNode status) {
    String value = Nodes.nonEmptyText(status.path("status"));
    return value != null ? value : "unknown";
  }

  /**
   * A message status; {@code contacts} is the change's contacts array. Pricing is passed through as sent,
   * whether per-message ({@code pricing_model: PMP}, {@code type}) or beside the pre-v24 {@code conversation}.
   */
  static ObjectNode of(JsonNode status, JsonNode contacts) {
    ObjectNode data = Nodes.object();
    data.put("status", status(status));
    data.put("message_id", Nodes.text(status.path("id")));
    data.put("recipient_id", Nodes.text(status.path("recipient_id")));
    for (String name : PASSED_THROUGH) {
      Nodes.putPresent(data, name, status.get(name));
    }
    String group = groupId(status);
    if (group != null) {
      data.put("group_id", group);
    }
    contact(status, group != null, contacts).putInto(data);
    data.set("raw", status);
    return data;
  }

  /** The group a status is about: its {@code recipient_id} when {@code recipient_type} is {@code group}. */
  static String groupId(JsonNode status) {
    String explicit = Nodes.text(status.path("group_id"));
    if (explicit != null || !"group".equals(Nodes.text(status.path("recipient_type")))) {
      return explicit;
    }
    return Nodes.text(status.path("recipient_id"));
  }

  /** The participant a group status is about (its user id, else phone number); null for other statuses. */
  static String participant(JsonNode status) {
    Contact.Ids ids = participantIds(status);
    return ids.userId() != null ? ids.userId() : ids.phone();
  }

  // A group's contacts[] holds one entry per participant, so only an entry matching the participant is hers.
  private static Contact contact(JsonNode status, boolean group, JsonNode contacts) {
    if (!group) {
      return Contact.resolve(contacts, Contact.Ids.read(status, Contact.Side.RECIPIENT), true);
    }
    return Contact.resolve(contacts, participantIds(status), false);
  }

  private static Contact.Ids participantIds(JsonNode status) {
    Contact.Ids ids = Contact.Ids.read(status, Contact.Side.PARTICIPANT);
    // Meta's group status page spells the member participant_recipient_id in one published example.
    String phone = ids.phone() != null ? ids.phone() : Nodes.text(status.path("participant_recipient_id"));
    return new Contact.Ids(phone, ids.userId(), ids.parentUserId());
  }

  /** A change-level error with the change's contact (the only one, if the change names just one person). */
  static ObjectNode error(JsonNode error, JsonNode contacts) {
    ObjectNode data = error(error);
    Contact.resolve(contacts, Contact.Ids.NONE, true).putInto(data);
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
