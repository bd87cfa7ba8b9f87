package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the changes in a parsed body: Meta's {@code {object, entry:[{id, time, changes:[{field, value}]}]}}
 * envelope, or the On-Premises form 360dialog's v1 API forwarded ({@code {messages, contacts, statuses,
 * errors}} at top level). Whatever has no change structure becomes one unreadable change, kept whole.
 */
final class MetaEnvelopeReader {

  private MetaEnvelopeReader() {
  }

  /** Never empty, in body order: entry by entry, change by change. */
  static List<Change> changes(JsonNode body) {
    if (!body.isObject()) {
      return List.of(Change.unreadable(null, null, body));
    }
    JsonNode entries = body.get("entry");
    if (entries == null) {
      return isOnPremises(body)
          ? List.of(new Change("messages", null, null, body, true))
          : List.of(Change.unreadable(null, null, body));
    }
    if (!entries.isArray() || entries.isEmpty()) {
      return List.of(Change.unreadable(null, null, body));
    }
    List<Change> changes = new ArrayList<>();
    for (JsonNode entry : entries) {
      readEntry(entry, changes);
    }
    return changes;
  }

  // The On-Premises API has no envelope and no metadata: the body itself is the "messages" change value.
  private static boolean isOnPremises(JsonNode body) {
    return body.has("messages") || body.has("statuses") || body.has("errors");
  }

  private static void readEntry(JsonNode entry, List<Change> out) {
    if (!entry.isObject()) {
      out.add(Change.unreadable(null, null, entry));
      return;
    }
    String entryId = Nodes.text(entry.path("id"));
    JsonNode changes = entry.get("changes");
    if (changes == null || !changes.isArray() || changes.isEmpty()) {
      out.add(Change.unreadable(null, entryId, entry));
      return;
    }
    JsonNode time = entry.get("time");
    for (JsonNode change : changes) {
      out.add(readChange(change, entryId, time));
    }
  }

  private static Change readChange(JsonNode change, String entryId, JsonNode time) {
    JsonNode field = change.path("field");
    String name = field.isTextual() ? field.textValue() : null;
    JsonNode value = change.get("value");
    if (!change.isObject() || value == null) {
      return new Change(name, entryId, time, change, false);
    }
    return new Change(name, entryId, time, value, true);
  }
}
