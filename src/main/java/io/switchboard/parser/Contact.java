package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The person a message, status or call is about (SPEC section 5.1): the change's {@code contacts[]} entry
 * for that person, completed by the ids the item itself carries. Since 2026 a user may come with a
 * business-scoped id ({@code user_id}) and no phone number, so either may be missing; neither is an error.
 */
record Contact(String waId, String userId, String parentUserId, String username, String name) {

  /** The ids an item names its person by: a phone number, a business-scoped id and its parent id. */
  record Ids(String phone, String userId, String parentUserId) {

    static final Ids NONE = new Ids(null, null, null);

    /** The ids on one side of an item, each null when absent or not a string or number. */
    static Ids read(JsonNode item, Side side) {
      return new Ids(Nodes.text(item.path(side.phone)), Nodes.text(item.path(side.userId)),
          Nodes.text(item.path(side.parentUserId)));
    }
  }

  /**
   * Where an item names its person. The member names are literals rather than built from a prefix per
   * call: a concatenated key is a new String, hashed again at every lookup on the hot path.
   */
  enum Side {
    FROM("from", "from_user_id", "from_parent_user_id"),
    TO("to", "to_user_id", "to_parent_user_id"),
    RECIPIENT("recipient_id", "recipient_user_id", "recipient_parent_user_id"),
    PARTICIPANT("recipient_participant_id", "recipient_participant_user_id", "recipient_participant_parent_user_id");

    private final String phone;
    private final String userId;
    private final String parentUserId;

    Side(String phone, String userId, String parentUserId) {
      this.phone = phone;
      this.userId = userId;
      this.parentUserId = parentUserId;
    }
  }

  /**
   * The contact for {@code ids}: the {@code contacts[]} entry with the same user id or phone number; else,
   * when {@code single} is allowed, the change's only entry (Meta sends one contact per change, and its
   * published call webhooks name the user there under a number that matches neither party).
   */
  static Contact resolve(JsonNode contacts, Ids ids, boolean single) {
    JsonNode entry = match(contacts, ids);
    if (entry == null && single && contacts.isArray() && contacts.size() == 1) {
      entry = contacts.get(0);
    }
    if (entry == null || !entry.isObject()) {
      return new Contact(ids.phone(), ids.userId(), ids.parentUserId(), null, null);
    }
    JsonNode profile = entry.path("profile");
    return new Contact(first(entry.path("wa_id"), ids.phone()), first(entry.path("user_id"), ids.userId()),
        first(entry.path("parent_user_id"), ids.parentUserId()), Nodes.text(profile.path("username")),
        Nodes.text(profile.path("name")));
  }

  /** The one key for "this person": the business-scoped id when there is one, else the phone number. */
  String key() {
    return userId != null ? userId : waId;
  }

  /** Writes {@code contact} and {@code contact_key} into an event's data. */
  void putInto(ObjectNode data) {
    ObjectNode contact = data.putObject("contact");
    contact.put("wa_id", waId);
    contact.put("user_id", userId);
    contact.put("parent_user_id", parentUserId);
    contact.put("username", username);
    contact.put("name", name);
    data.put("contact_key", key());
  }

  private static JsonNode match(JsonNode contacts, Ids ids) {
    if (!contacts.isArray() || (ids.userId() == null && ids.phone() == null)) {
      return null;
    }
    for (JsonNode entry : contacts) {
      if (same(ids.userId(), entry, "user_id") || same(ids.phone(), entry, "wa_id")) {
        return entry;
      }
    }
    return null;
  }

  private static boolean same(String id, JsonNode entry, String member) {
    return id != null && id.equals(Nodes.text(entry.path(member)));
  }

  private static String first(JsonNode fromContact, String fromItem) {
    String value = Nodes.text(fromContact);
    return value != null ? value : fromItem;
  }
}
