package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Compares one produced event JSON with an expected item whose keys are dotted paths, values strings. */
final class EventMatch {

  private EventMatch() {
  }

  static boolean matches(JsonNode event, JsonNode expected) {
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> want = it.next();
      JsonNode actual = at(event, want.getKey());
      if (want.getValue().isNull()) {
        if (!actual.isNull() && !actual.isMissingNode()) {
          return false;
        }
      } else if (!actual.isValueNode() || !actual.asText().equals(want.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  /** "data.errors.0.code": object members by name, array items by index. */
  static JsonNode at(JsonNode node, String dottedPath) {
    JsonNode current = node;
    for (String step : dottedPath.split("\\.")) {
      current = current.isArray() && step.chars().allMatch(Character::isDigit)
          ? current.path(Integer.parseInt(step))
          : current.path(step);
    }
    return current;
  }
}
