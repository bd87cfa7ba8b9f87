package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns one change into its updates by its {@code field} (SPEC sections 5 and 5.1). A field not listed here, or
 * a change whose shape does not fit its field, is kept whole as {@code whatsapp.unclassified}.
 */
final class ChangeRouter {

  static final String UNCLASSIFIED = "whatsapp.unclassified";

  // Fields that are one update per change. A new field is added here, never guessed.
  private static final Map<String, String> PER_CHANGE = Map.ofEntries(
      Map.entry("message_template_status_update", "template.status"),
      Map.entry("message_template_quality_update", "template.quality"),
      Map.entry("template_category_update", "template.category"),
      Map.entry("phone_number_quality_update", "phone_number.quality"),
      Map.entry("phone_number_name_update", "phone_number.name"),
      Map.entry("account_update", "account.update"),
      Map.entry("account_review_update", "account.review"),
      Map.entry("account_alerts", "account.alert"),
      Map.entry("business_capability_update", "business.capability"),
      Map.entry("security", "security"),
      Map.entry("flows", "flows"),
      Map.entry("history", "history"),
      Map.entry("business_username_updates", "business.username"),
      Map.entry("account_settings_update", "account.settings"),
      Map.entry("partner_solutions", "partner.solution"),
      Map.entry("payment_configuration_update", "payment.configuration"),
      Map.entry("message_template_components_update", "template.components"));

  /** A field whose change holds a list of items, one update each; {@code kind} names the item member read as kind. */
  private record PerItem(String list, String type, String kind, boolean grouped) {
  }

  // Fields that are one update per item of a named list (SPEC 5 and 5.1).
  private static final Map<String, PerItem> PER_ITEM = Map.ofEntries(
      Map.entry("user_preferences", new PerItem("user_preferences", "user.preferences", null, false)),
      Map.entry("group_lifecycle_update", new PerItem("groups", "group.lifecycle", "type", true)),
      Map.entry("group_participants_update", new PerItem("groups", "group.participants", "type", true)),
      Map.entry("group_settings_update", new PerItem("groups", "group.settings", "type", true)),
      Map.entry("group_status_update", new PerItem("groups", "group.status", "type", true)),
      Map.entry("user_id_update", new PerItem("user_id_update", "user.id_update", null, false)),
      Map.entry("automatic_events", new PerItem("automatic_events", "automatic.event", "event_name", false)),
      Map.entry("smb_app_state_sync", new PerItem("state_sync", "app_state.sync", "type", false)));

  // user_actions items ride in a messages change (marketing message link clicks).
  private static final PerItem USER_ACTION = new PerItem("user_actions", "user.action", "action_type", false);

  private ChangeRouter() {
  }

  /** Never empty: a change that yields nothing recognizable yields one unclassified update. */
  static List<Update> route(Change change) {
    if (!change.readable() || change.field() == null) {
      return List.of(unclassified(change));
    }
    String field = change.field();
    return switch (field) {
      case "messages" -> messages(change);
      case "calls" -> calls(change);
      case "smb_message_echoes" -> items(change, "message_echoes", item -> echo(change, item));
      default -> {
        if (PER_ITEM.containsKey(field)) {
          PerItem rule = PER_ITEM.get(field);
          yield items(change, rule.list(), item -> perItem(change, item, rule));
        }
        yield List.of(PER_CHANGE.containsKey(field) ? perChange(change, PER_CHANGE.get(field)) : unclassified(change));
      }
    };
  }

  private static List<Update> messages(Change change) {
    JsonNode value = change.value();
    JsonNode contacts = value.path("contacts");
    List<Update> out = new ArrayList<>();
    boolean fits = value.isObject();
    fits &= collect(value, "messages", item -> received(change, item, contacts), out);
    fits &= collect(value, "statuses", item -> status(change, item, contacts), out);
    fits &= collect(value, "errors", item -> error(change, item, contacts), out);
    fits &= collect(value, "user_actions", item -> perItem(change, item, USER_ACTION), out);
    return complete(change, fits, out);
  }

  private static List<Update> calls(Change change) {
    JsonNode value = change.value();
    JsonNode contacts = value.path("contacts");
    List<Update> out = new ArrayList<>();
    boolean fits = value.isObject();
    fits &= collect(value, "calls", item -> call(change, item, contacts), out);
    fits &= collect(value, "statuses", item -> callStatus(change, item, contacts), out);
    fits &= collect(value, "errors", item -> callError(change, item), out);
    return complete(change, fits, out);
  }

  private static List<Update> items(Change change, String key, Function<JsonNode, Update> read) {
    List<Update> out = new ArrayList<>();
    boolean fits = change.value().isObject() && collect(change.value(), key, read, out);
    return complete(change, fits, out);
  }

  /** Reads {@code value[key][]} into {@code out}; false if the member is there but not a list of objects. */
  private static boolean collect(JsonNode value, String key, Function<JsonNode, Update> read, List<Update> out) {
    JsonNode list = value.get(key);
    if (list == null) {
      return true;
    }
    if (!list.isArray()) {
      return false;
    }
    boolean fits = true;
    for (JsonNode item : list) {
      if (item.isObject()) {
        out.add(read.apply(item));
      } else {
        fits = false;
      }
    }
    return fits;
  }

  // What did not fit is kept whole beside what did, so nothing the provider sent is dropped.
  private static List<Update> complete(Change change, boolean fits, List<Update> out) {
    if (!fits || out.isEmpty()) {
      out.add(unclassified(change));
    }
    return out;
  }

  private static Update received(Change change, JsonNode message, JsonNode contacts) {
    return new Update("message.received", byKey(change, message, Nodes.nonEmptyText(message.path("id"))),
        message.path("timestamp"), MessageFields.received(message, contacts));
  }

  private static Update echo(Change change, JsonNode message) {
    return new Update("message.echo", byKey(change, message, Nodes.nonEmptyText(message.path("id"))),
        message.path("timestamp"), MessageFields.echo(message, change.value().path("contacts")));
  }

  private static Update status(Change change, JsonNode status, JsonNode contacts) {
    String id = Nodes.nonEmptyText(status.path("id"));
    String status0 = StatusFields.status(status);
    // One message goes sent, delivered, read: each is its own update, so the status is part of the key;
    // a group message is read by each participant, so for groups the participant is part of it too.
    ObjectNode data = StatusFields.of(status, contacts);
    String key = id == null ? null : id + "\u0000" + status0;
    String participant = data.has("group_id") ? StatusFields.participant(status) : null;
    if (key != null && participant != null) {
      key = key + "\u0000" + participant;
    }
    return new Update("message.status." + status0, byKey(change, status, key), status.path("timestamp"), data);
  }

  private static Update error(Change change, JsonNode error, JsonNode contacts) {
    return new Update("message.error", byContent(change, error), error.path("timestamp"),
        StatusFields.error(error, contacts));
  }

  // The type names the key so a call's update never shares an id with a message of the same wacid (voicemail).
  private static Update call(Change change, JsonNode call, JsonNode contacts) {
    String type = CallFields.callType(call);
    String id = Nodes.nonEmptyText(call.path("id"));
    return new Update(type, byKey(change, call, id == null ? null : type + "\u0000" + id),
        call.path("timestamp"), CallFields.call(call, contacts));
  }

  private static Update callStatus(Change change, JsonNode status, JsonNode contacts) {
    String type = CallFields.statusType(status);
    String id = Nodes.nonEmptyText(status.path("id"));
    return new Update(type, byKey(change, status, id == null ? null : type + "\u0000" + id),
        status.path("timestamp"), CallFields.status(status, contacts));
  }

  private static Update callError(Change change, JsonNode error) {
    return new Update("call.error", byContent(change, error), error.path("timestamp"),
        CallFields.error(error, change.value()));
  }

  /** {@code field}, then the rule's kind (and group id), then the item's members as sent. */
  private static Update perItem(Change change, JsonNode item, PerItem rule) {
    ObjectNode ours = withField(change.field());
    if (rule.kind() != null) {
      ours.put("kind", Nodes.text(item.path(rule.kind())));
    }
    if (rule.grouped()) {
      ours.put("group_id", Nodes.text(item.path("group_id")));
    }
    ObjectNode data = ours.deepCopy();
    data.setAll((ObjectNode) item);
    // Ours win over item members of the same name, and keep their place at the front.
    data.setAll(ours);
    return new Update(rule.type(), byContent(change, item), itemTime(item), data);
  }

  // smb_app_state_sync items carry their time in metadata.timestamp rather than at the top.
  private static JsonNode itemTime(JsonNode item) {
    JsonNode own = item.path("timestamp");
    return own.isMissingNode() ? item.path("metadata").path("timestamp") : own;
  }

  private static Update perChange(Change change, String type) {
    JsonNode value = change.value();
    ObjectNode data = withField(change.field());
    if (value.isObject()) {
      data.setAll((ObjectNode) value);
      // "field" is ours: a value member of the same name would hide which field this came from.
      data.put("field", change.field());
    } else {
      data.set("value", value);
    }
    return new Update(type, byContent(change, value), value.path("timestamp"), data);
  }

  static Update unclassified(Change change) {
    ObjectNode data = withField(change.field());
    data.set("value", change.value());
    return new Update(UNCLASSIFIED, byContent(change, change.value()), change.value().path("timestamp"), data);
  }

  private static ObjectNode withField(String field) {
    ObjectNode data = Nodes.object();
    data.put("field", field);
    return data;
  }

  private static Identity byKey(Change change, JsonNode update, String key) {
    return key != null ? new Identity.Upstream(key) : byContent(change, update);
  }

  private static Identity byContent(Change change, JsonNode update) {
    return new Identity.Content(change.field(), change.entryId(), change.entryTime(), update);
  }
}
