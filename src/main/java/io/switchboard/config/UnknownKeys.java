package io.switchboard.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.TreeSet;

/**
 * Finds keys the schema ({@code defaults.yaml}) does not name, at every depth: {@code delivery.alowHttp},
 * {@code subscriptions[0].evnets}. A typo would otherwise be ignored and its key silently keep its default.
 */
final class UnknownKeys {

  private final Values values;

  UnknownKeys(Values values) {
    this.values = values;
  }

  /** Checks {@code object} (at {@code path}, "" for the root) against {@code schema}. */
  void check(JsonObject object, JsonObject schema, String path) {
    for (String key : new TreeSet<>(object.fieldNames())) {
      String where = path.isEmpty() ? key : path + "." + key;
      if (!schema.containsKey(key)) {
        values.problem(where, "unknown key" + hint(key, schema), null);
      } else {
        descend(object.getValue(key), schema.getValue(key), where);
      }
    }
  }

  /** An empty mapping in the schema ({@code headers}) takes any keys; a list's one item is its template. */
  private void descend(Object value, Object schema, String where) {
    if (schema instanceof JsonObject mapping && !mapping.isEmpty() && value instanceof JsonObject child) {
      check(child, mapping, where);
    } else if (schema instanceof JsonArray list && list.size() == 1 && list.getValue(0) instanceof JsonObject template
        && value instanceof JsonArray items) {
      for (int i = 0; i < items.size(); i++) {
        if (items.getValue(i) instanceof JsonObject item) {
          check(item, template, where + "[" + i + "]");
        }
      }
    }
  }

  private static String hint(String key, JsonObject schema) {
    String suggestion = Suggestions.didYouMean(key, schema.fieldNames());
    return suggestion.isEmpty() ? " (expected one of " + new TreeSet<>(schema.fieldNames()) + ")" : suggestion;
  }
}
