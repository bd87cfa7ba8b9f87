package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns one change into its updates by its {@code field} (SPEC section 5). A field not listed here, or
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
      Map.entry("history", "history"));

  private ChangeRouter() {
  }

  /** Never empty: a change that yields nothing recognizable yields one unclassified update. */
  static List<Update> route(Change change) {
    if (!change.readable() || change.field() == null) {
      return List.of(unclassified(change));
    }
    return switch (change.field()) {
      case "messages" -> messages(change);
      case "smb_message_echoes" -> items(change, "message_echoes", item -> echo(change, item));
      case "user_preferences" -> items(change, "user_preferences", item -> preference(change, item));
      default -> PER_CHANGE.containsKey(change.field())
          ? List.of(perChange(change, PER_CHANGE.get(change.field())))
          : List.of(unclassified(change));
    };
  }

  private static List<Update> messages(Change change) {
    JsonNode value = change.value();
    JsonNode contacts = value.path("contacts");
    List<Update> out = new ArrayList<>();
    boolean fits = value.isObject();
    fits &= collect(value, "messages", item -> received(change, item, contacts), out);
    fits &= collect(value, "statuses", item -> status(change, item), out);
    fits &= collect(value, "errors", item -> error(change, item), out);
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
        message.path("timestamp"), MessageFields.echo(message));
  }

  private static Update status(Change change, JsonNode status) {
    String id = Nodes.nonEmptyText(status.path("id"));
    String status0 = StatusFields.status(status);
    // One message goes sent, delivered, read: each is its own update, so the status is part of the key.
    String key = id == null ? null : id + "\u0000" + status0;
    return new Update("message.status." + status0, byKey(change, status, key),
        status.path("timestamp"), StatusFields.of(status));
  }

  private static Update error(Change change, JsonNode error) {
    return new Update("message.error", byContent(change, error), error.path("timestamp"), StatusFields.error(error));
  }

  private static Update preference(Change change, JsonNode item) {
    ObjectNode data = withField(change.field());
    data.setAll((ObjectNode) item);
    data.put("field", change.field());
    return new Update("user.preferences", byContent(change, item), item.path("timestamp"), data);
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
