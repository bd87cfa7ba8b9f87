package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Lenient reads of provider JSON: a missing or oddly typed field reads as absent, never as a failure. */
final class Nodes {

  private Nodes() {
  }

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** A string or number as text; anything else (object, array, null, missing) as null. */
  static String text(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    return node.isNumber() || node.isBoolean() ? node.asText() : null;
  }

  /** Like {@link #text} but an empty string also counts as absent (an id of "" identifies nothing). */
  static String nonEmptyText(JsonNode node) {
    String text = text(node);
    return text == null || text.isEmpty() ? null : text;
  }

  /** Copies the named members of {@code source} that are present, keeping the provider's values as they are. */
  static ObjectNode pick(JsonNode source, String... names) {
    ObjectNode picked = object();
    for (String name : names) {
      JsonNode member = source.get(name);
      if (member != null) {
        picked.set(name, member);
      }
    }
    return picked;
  }

  /** Puts {@code member} under {@code name} only when the provider sent it. */
  static void putPresent(ObjectNode target, String name, JsonNode member) {
    if (member != null && !member.isMissingNode()) {
      target.set(name, member);
    }
  }
}
