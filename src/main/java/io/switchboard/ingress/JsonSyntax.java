package io.switchboard.ingress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Decides, without building a tree, whether a body is one JSON document. Jackson's default read limits
 * (nesting depth 1000, string and number lengths) apply, so a hostile body is refused, not explored.
 */
final class JsonSyntax {

  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonSyntax() {}

  /** Why the body is not JSON, or null when it is. */
  static String problem(byte[] body) {
    if (body.length == 0) {
      return "empty body";
    }
    try (JsonParser parser = FACTORY.createParser(body)) {
      if (parser.nextToken() == null) {
        return "empty body";
      }
      parser.skipChildren();
      JsonToken trailing = parser.nextToken();
      return trailing == null ? null : "unexpected content after the JSON document";
    } catch (JsonProcessingException e) {
      return firstLine(e.getOriginalMessage());
    } catch (IOException e) {
      return "unreadable body: " + e.getMessage();
    }
  }

  private static String firstLine(String text) {
    return text == null ? "malformed JSON" : text.lines().findFirst().orElse("malformed JSON");
  }
}
